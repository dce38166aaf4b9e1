#!/usr/bin/env Rscript
# Times the JAGS engines on one designed trial (tests/golden/nof1/clear_effect.csv), each model under
# its engine's default sampling schedule, with ldn's model strings (nof1_models.R: the same models),
# for scripts/bench_nof1 (docs/benchmarks.md). Prints one line per model: model, CPU seconds,
# iterations per chain, chains, posterior mean and MCSE of the difference.
#
#   TrialistNof1 (mean, trend, lag): jags.fit() -- 3 chains, no adaptation at creation, a
#     10,000-iteration dic.samples() run, adaptation in sets of 2 x 1,000, 1,000-iteration sets
#     until the Gelman-Rubin ratio is below 1.05 (at most 10), then 5,000 stored iterations.
#   nof1ins (ar1): nof1.run() defaults -- 3 chains, 10,000-iteration sets until the Gelman-Rubin
#     diagnostic is below 1.05, then 50,000 stored iterations.
#
# Run from the repository root:  Rscript tests/oracles/nof1/time_jags.R [dataset]
suppressMessages(library(rjags))
suppressMessages(load.module("dic", quiet = TRUE))
source("tests/oracles/nof1/nof1_models.R")
args <- commandArgs(trailingOnly = TRUE)
dataset <- if (length(args) >= 1) args[1] else "clear_effect"
d <- nof1_read_csv(file.path("tests/golden/nof1", paste0(dataset, ".csv")))

gelman_ok <- function(s) {
  g <- tryCatch(gelman.diag(s, autoburnin = FALSE, multivariate = FALSE)$psrf[, 1], error = function(e) Inf)
  all(is.finite(g)) && max(g) < 1.05
}

for (model in c("mean", "trend", "lag", "ar1")) {
  data <- nof1_model_data(d, model)
  inits <- lapply(1:3, function(k) list(.RNG.name = "base::Mersenne-Twister", .RNG.seed = 3000 + k))
  started <- proc.time()
  iterations <- 0
  if (model == "ar1") {
    jm <- jags.model(textConnection(nof1_model_string(model)), data = data, inits = inits, n.chains = 3, quiet = TRUE)
    iterations <- 1000
    repeat {
      s <- coda.samples(jm, c("diff"), n.iter = 10000, progress.bar = "none")
      iterations <- iterations + 10000
      if (gelman_ok(s) || iterations > 100000) break
    }
    s <- coda.samples(jm, c("diff"), n.iter = 50000, progress.bar = "none")
    iterations <- iterations + 50000
  } else {
    jm <- jags.model(textConnection(nof1_model_string(model)), data = data, inits = inits, n.chains = 3,
                     n.adapt = 0, quiet = TRUE)
    invisible(dic.samples(jm, 10000, progress.bar = "none"))
    iterations <- 10000
    while (!adapt(jm, n.iter = 2000, end.adaptation = FALSE)) iterations <- iterations + 2000
    iterations <- iterations + 2000
    for (k in 1:10) {
      s <- coda.samples(jm, c("diff"), n.iter = 1000, progress.bar = "none")
      iterations <- iterations + 1000
      if (gelman_ok(s)) break
    }
    s <- coda.samples(jm, c("diff"), n.iter = 5000, progress.bar = "none")
    iterations <- iterations + 5000
  }
  used <- proc.time() - started
  x <- unlist(lapply(s, as.numeric))
  cat(sprintf("%s %.3f %d 3 %.4f %.4f\n", model, used[["user.self"]] + used[["sys.self"]], iterations, mean(x),
              sd(x) / sqrt(effectiveSize(s)[["diff"]])))
}
