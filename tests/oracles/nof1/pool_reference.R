#!/usr/bin/env Rscript
# Independent oracle for src/analysis/nof1_pool.{h,cpp}: the normal random-effects pooling of
# N-of-1 trials (Zucker et al., J Clin Epidemiol 1997;50:401) under JAGS, on two designed sets of
# per-trial estimates, written by this script to tests/golden/nof1/pool_<name>.csv, with the
# posterior summaries and their Monte Carlo standard errors in tests/golden/nof1/pool_<name>.jags.json.
#
#   d_i ~ N(theta_i, s_i^2), theta_i = mu + tau z_i, z_i ~ N(0, 1)   (non-centred: the same model
#   as theta_i ~ N(mu, tau^2), better mixing when tau is near 0), mu ~ N(0, precision 1e-6),
#   tau ~ U(0, 5); theta_new = mu + tau z_new: a new patient's difference.
#
# MCSE as in jags_reference.R (batch means over 100 batches; probabilities at least
# sqrt(p (1 - p) / ESS)). Run from the repository root:  Rscript tests/oracles/nof1/pool_reference.R
suppressMessages(library(rjags))
golden <- "tests/golden/nof1"
mcid <- 1

model <- "model {
  for (i in 1:N) {
    z[i] ~ dnorm(0, 1)
    theta[i] <- mu + tau * z[i]
    d[i] ~ dnorm(theta[i], 1 / (s[i] * s[i]))
  }
  mu ~ dnorm(0, 1.0E-6)
  tau ~ dunif(0, 5)
  z_new ~ dnorm(0, 1)
  theta_new <- mu + tau * z_new
}"

num <- function(x) sprintf("%.10g", x)
est <- function(value, mcse) sprintf("{\"value\": %s, \"mcse\": %s}", num(value), num(mcse))
batch_mcse <- function(chains, f, per_chain = 25) {
  vals <- unlist(lapply(chains, function(x) {
    size <- floor(length(x) / per_chain)
    sapply(seq_len(per_chain), function(b) f(x[((b - 1) * size + 1):(b * size)]))
  }))
  sd(vals) / sqrt(length(vals))
}
summ <- function(chains) {
  all <- unlist(chains)
  ess <- effectiveSize(mcmc.list(lapply(chains, mcmc)))
  q <- function(p) function(x) unname(quantile(x, p, type = 7))
  prob <- function(pred) {
    p <- mean(pred(all))
    pt <- (sum(pred(all)) + 0.5) / (length(all) + 1)
    est(p, max(batch_mcse(chains, function(x) mean(pred(x))), sqrt(pt * (1 - pt) / ess)))
  }
  list(mean = est(mean(all), batch_mcse(chains, mean)), sd = est(sd(all), batch_mcse(chains, sd)),
       q025 = est(q(0.025)(all), batch_mcse(chains, q(0.025))), median = est(q(0.5)(all), batch_mcse(chains, q(0.5))),
       q975 = est(q(0.975)(all), batch_mcse(chains, q(0.975))), prob = prob, ess = ess)
}

run <- function(name, seed, n, mu, tau, s_lo, s_hi) {
  set.seed(seed)
  s <- round(runif(n, s_lo, s_hi), 3)
  d <- round(rnorm(n, mu + tau * rnorm(n), s), 3)
  ids <- sprintf("t%02d", seq_len(n))
  write.csv(data.frame(id = ids, estimate = d, sd = s), file.path(golden, paste0("pool_", name, ".csv")),
            row.names = FALSE, quote = FALSE)
  inits <- lapply(1:4, function(k) list(.RNG.name = "base::Mersenne-Twister", .RNG.seed = 2000 + k))
  started <- proc.time()
  jm <- jags.model(textConnection(model), data = list(N = n, d = d, s = s), inits = inits, n.chains = 4,
                   quiet = TRUE)
  update(jm, 5000, progress.bar = "none")
  smp <- coda.samples(jm, c("mu", "tau", "theta_new", "theta[1]", "theta[2]"), n.iter = 100000, thin = 2,
                      progress.bar = "none")
  used <- proc.time() - started
  ch <- function(v) lapply(smp, function(x) as.numeric(x[, v]))
  m <- summ(ch("mu"))
  t <- summ(ch("tau"))
  p <- summ(ch("theta_new"))
  t1 <- summ(ch("theta[1]"))
  t2 <- summ(ch("theta[2]"))
  out <- c("{",
           paste0("  \"generated_by\": \"tests/oracles/nof1/pool_reference.R (", R.version.string, ", JAGS ",
                  jags.version(), ")\", \"jags_cpu_seconds\": ", num(used[["user.self"]] + used[["sys.self"]]), ","),
           paste0("  \"trials\": ", n, ", \"mcid\": ", mcid, ", \"ess_mu\": ", round(m$ess), ","),
           paste0("  \"mu\": {\"mean\": ", m$mean, ", \"sd\": ", m$sd, ", \"q025\": ", m$q025, ", \"median\": ", m$median,
                  ", \"q975\": ", m$q975, "},"),
           paste0("  \"p_mu_below_0\": ", m$prob(function(x) x < 0), ", \"p_mu_at_most_minus_mcid\": ",
                  m$prob(function(x) x <= -mcid), ","),
           paste0("  \"tau\": {\"mean\": ", t$mean, ", \"median\": ", t$median, "},"),
           paste0("  \"new_patient\": {\"mean\": ", p$mean, ", \"sd\": ", p$sd, ", \"q025\": ", p$q025, ", \"q975\": ",
                  p$q975, "},"),
           paste0("  \"p_new_at_most_minus_mcid\": ", p$prob(function(x) x <= -mcid), ","),
           paste0("  \"theta_1\": {\"mean\": ", t1$mean, ", \"sd\": ", t1$sd, ", \"p_at_most_minus_mcid\": ",
                  t1$prob(function(x) x <= -mcid), "},"),
           paste0("  \"theta_2\": {\"mean\": ", t2$mean, ", \"sd\": ", t2$sd, ", \"p_at_most_minus_mcid\": ",
                  t2$prob(function(x) x <= -mcid), "}"),
           "}")
  writeLines(out, file.path(golden, paste0("pool_", name, ".jags.json")))
  cat(name, ": mu", mean(unlist(ch("mu"))), "tau", mean(unlist(ch("tau"))), "ESS", m$ess, "\n")
}

run("heterogeneous", 301, 12, -0.8, 0.6, 0.25, 0.6)
run("homogeneous", 302, 20, -0.3, 0, 0.3, 0.8)
