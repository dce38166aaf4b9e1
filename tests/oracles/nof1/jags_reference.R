#!/usr/bin/env Rscript
# Independent oracle for src/analysis/nof1_models.{h,cpp}: runs the four N-of-1 models of
# nof1_models.R under JAGS on every designed dataset in tests/golden/nof1/*.csv and writes
# tests/golden/nof1/<dataset>.jags.json with the posterior summaries `ldn trial analyze` reports,
# each with its Monte Carlo standard error (MCSE), from which the C++ golden test derives its
# tolerance (src/analysis/nof1_golden_test.cpp).
#
# Sampling: JAGS 4 with the glm module (block updates of the linear coefficients; the posterior is
# the model's, only the mixing improves), 4 chains with fixed seeds, 1,000 adaptation and 4,000
# burn-in iterations, then chunks of 10,000 iterations per chain until the effective sample size
# of the LDN - placebo difference reaches 10,000 (or 2,000,000 iterations per chain). The lag model
# mixes slowly (the slope on yesterday's value, the intercept and the latent missing days are
# correlated), so its chains are long and stored thinned by 10.
#
# MCSE: batch means over 100 batches (25 consecutive batches per chain) for every summary (mean,
# SD, quantiles, probabilities); a probability's MCSE is at least sqrt(p (1 - p) / ESS) with
# p = (count + 0.5) / (draws + 1), so that a probability of 0 or 1 in every batch does not get a
# zero tolerance.
#
# Run from the repository root (about 40 minutes on one core):
#   Rscript tests/oracles/nof1/jags_reference.R            # every dataset
#   Rscript tests/oracles/nof1/jags_reference.R trend      # one dataset
suppressMessages(library(rjags))
suppressMessages(load.module("glm", quiet = TRUE))
source("tests/oracles/nof1/nof1_models.R")

args <- commandArgs(trailingOnly = TRUE)
golden <- "tests/golden/nof1"
datasets <- if (length(args) > 0) args else sub("\\.csv$", "", list.files(golden, "\\.csv$"))
target_ess <- 10000
chunk <- 10000
max_iter <- 2000000
mcid <- 1
score_range <- 10  # 0-10 NRS: the engine's standardized categories divide by the score range
cat_breaks <- c(-1, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 1)  # TrialistNof1 treat.diff.change()

num <- function(x) if (is.na(x)) "null" else sprintf("%.10g", x)
est <- function(value, mcse) sprintf("{\"value\": %s, \"mcse\": %s}", num(value), num(mcse))

# Batch-means MCSE of statistic f over the draws of one quantity, chains kept apart.
batch_mcse <- function(chains, f, per_chain = 25) {
  vals <- unlist(lapply(chains, function(x) {
    n <- length(x)
    size <- floor(n / per_chain)
    sapply(seq_len(per_chain), function(b) f(x[((b - 1) * size + 1):(b * size)]))
  }))
  sd(vals) / sqrt(length(vals))
}

summaries <- function(chains, ess) {
  all <- unlist(chains)
  n <- length(all)
  q <- function(p) function(x) unname(quantile(x, p, type = 7))
  prob <- function(pred) {
    p <- mean(pred(all))
    pt <- (sum(pred(all)) + 0.5) / (n + 1)
    est(p, max(batch_mcse(chains, function(x) mean(pred(x))), sqrt(pt * (1 - pt) / ess)))
  }
  list(
    mean = est(mean(all), batch_mcse(chains, mean)),
    sd = est(sd(all), batch_mcse(chains, sd)),
    q025 = est(q(0.025)(all), batch_mcse(chains, q(0.025))),
    median = est(q(0.5)(all), batch_mcse(chains, q(0.5))),
    q975 = est(q(0.975)(all), batch_mcse(chains, q(0.975))),
    prob = prob)
}

run_model <- function(d, model) {
  data <- nof1_model_data(d, model)
  inits <- lapply(1:4, function(k) list(.RNG.name = "base::Mersenne-Twister", .RNG.seed = 1000 + k))
  started <- proc.time()
  jm <- jags.model(textConnection(nof1_model_string(model)), data = data, inits = inits, n.chains = 4,
                   n.adapt = 1000, quiet = TRUE)
  update(jm, 4000, progress.bar = "none")
  mon <- nof1_monitors(model)
  thin <- if (model == "lag") 10 else 1
  draws <- NULL
  iter <- 0
  repeat {
    s <- coda.samples(jm, mon, n.iter = chunk * thin, thin = thin, progress.bar = "none")
    draws <- if (is.null(draws)) s else mcmc.list(lapply(seq_along(s), function(k) mcmc(rbind(draws[[k]], s[[k]]))))
    iter <- iter + chunk * thin
    ess <- effectiveSize(draws[, "diff"])
    if (ess >= target_ess || iter >= max_iter) break
  }
  used <- proc.time() - started
  list(draws = draws, iter = iter, ess = unname(ess), seconds = used[["elapsed"]],
       cpu_seconds = used[["user.self"]] + used[["sys.self"]], n = data$N,
       observed = sum(!is.na(data$Y)))
}

for (name in datasets) {
  d <- nof1_read_csv(file.path(golden, paste0(name, ".csv")))
  entries <- character(0)
  for (model in c("mean", "trend", "lag", "ar1")) {
    r <- run_model(d, model)
    chains <- lapply(r$draws, function(ch) as.numeric(ch[, "diff"]))
    s <- summaries(chains, r$ess)
    cats <- character(0)
    for (k in 1:7) {
      lo <- cat_breaks[k]
      hi <- cat_breaks[k + 1]
      cats <- c(cats, s$prob(function(x) x / score_range > lo & x / score_range <= hi))
    }
    sd_chains <- lapply(r$draws, function(ch) as.numeric(ch[, "Sd"]))
    sd_s <- summaries(sd_chains, effectiveSize(r$draws[, "Sd"]))
    extra <- ""
    for (par in intersect(c("slope", "rho"), nof1_monitors(model))) {
      pc <- lapply(r$draws, function(ch) as.numeric(ch[, par]))
      ps <- summaries(pc, effectiveSize(r$draws[, par]))
      extra <- paste0(extra, sprintf(",\n      \"%s\": {\"mean\": %s, \"q025\": %s, \"q975\": %s}", par, ps$mean,
                                     ps$q025, ps$q975))
    }
    if (model == "lag") {
      lc <- lapply(r$draws, function(ch) as.numeric(ch[, "long_run"]))
      lr_ess <- effectiveSize(r$draws[, "long_run"])
      ls <- summaries(lc, lr_ess)
      extra <- paste0(extra, sprintf(paste0(",\n      \"long_run\": {\"q025\": %s, \"median\": %s, \"q975\": %s, ",
                                            "\"p_below_0\": %s, \"p_at_most_minus_mcid\": %s, ",
                                            "\"p_at_least_mcid\": %s}"),
                                     ls$q025, ls$median, ls$q975, ls$prob(function(x) x < 0),
                                     ls$prob(function(x) x <= -mcid), ls$prob(function(x) x >= mcid)))
    }
    entries <- c(entries, paste0(
      "    {\"model\": \"", model, "\", \"days\": ", r$n, ", \"observed\": ", r$observed,
      ", \"chains\": 4, \"iterations_per_chain\": ", format(r$iter, scientific = FALSE),
      ", \"ess_diff\": ", format(round(r$ess), scientific = FALSE),
      ", \"jags_cpu_seconds\": ", num(r$cpu_seconds), ", \"jags_elapsed_seconds\": ", num(r$seconds), ",\n",
      "      \"diff\": {\"mean\": ", s$mean, ", \"sd\": ", s$sd, ", \"q025\": ", s$q025, ", \"median\": ", s$median,
      ", \"q975\": ", s$q975, "},\n",
      "      \"p_below_0\": ", s$prob(function(x) x < 0), ", \"p_at_most_minus_mcid\": ",
      s$prob(function(x) x <= -mcid), ", \"p_at_least_mcid\": ", s$prob(function(x) x >= mcid), ",\n",
      "      \"categories\": [", paste(cats, collapse = ", "), "],\n",
      "      \"sd_parameter\": {\"mean\": ", sd_s$mean, "}", extra, "}"))
    cat(sprintf("%s %s: %d iterations x 4 chains, ESS %.0f, %.1f s CPU; diff mean %.4f\n", name, model, r$iter,
                r$ess, r$cpu_seconds, mean(unlist(chains))))
  }
  out <- c("{",
           paste0("  \"generated_by\": \"tests/oracles/nof1/jags_reference.R (", R.version.string, ", rjags ",
                  packageVersion("rjags"), ", JAGS ", jags.version(), ")\","),
           paste0("  \"dataset\": \"", name, "\", \"mcid\": ", mcid, ", \"score_range\": ", score_range, ","),
           "  \"models\": [", paste(entries, collapse = ",\n"), "  ]", "}")
  writeLines(out, file.path(golden, paste0(name, ".jags.json")))
}
