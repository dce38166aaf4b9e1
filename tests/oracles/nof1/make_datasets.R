#!/usr/bin/env Rscript
# Designed N-of-1 trial datasets for the golden tests of src/analysis/nof1_* (docs/nof1.md).
#
# Writes tests/golden/nof1/<name>.csv in the input format of `ldn trial analyze`
# (day,period,treatment,outcome[,guess]; docs/nof1.md "Input"): only the analysed days of each
# period (the run-in days at the start of each period are left out, as the caller does), an empty
# outcome for a day the patient skipped, and some skipped days left out altogether.
#
# Generating model (ours, for test data only; ratings on the 0-10 pain NRS, lower is better):
#   y_t = baseline + drift * t + E_t + e_t,   t = 1 .. 2 * pairs * period_days (trial day)
#   e_t stationary AR(1): e_1 ~ N(0, sd^2), e_t = rho e_{t-1} + sd sqrt(1 - rho^2) z_t
#   E_t the LDN effect: it moves towards `effect` by effect/onset per day on B (LDN) and back
#       towards 0 by effect/offset per day on A (placebo): onset and offset in days, 0 = instant
#   rounded to whole points and clamped to 0-10 unless `continuous`.
# Allocation: AB or BA per pair by sample(); fixed by the seed.
#
# Run from the repository root:  Rscript tests/oracles/nof1/make_datasets.R
out_dir <- "tests/golden/nof1"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

make <- function(name, seed, pairs = 3, period = 28, run_in = 14, baseline = 6, effect = -1,
                 sd = 1, rho = 0.4, drift = 0, onset = 0, offset = 0, missing_empty = 0,
                 missing_absent = 0, continuous = FALSE, guesses = FALSE) {
  set.seed(seed)
  seq_ab <- unlist(lapply(seq_len(pairs), function(k) if (runif(1) < 0.5) c("A", "B") else c("B", "A")))
  days <- 2 * pairs * period
  treat <- rep(seq_ab, each = period)
  e <- numeric(days)
  e[1] <- sd * rnorm(1)
  for (t in 2:days) e[t] <- rho * e[t - 1] + sd * sqrt(1 - rho^2) * rnorm(1)
  E <- numeric(days)
  level <- 0
  for (t in 1:days) {
    target <- if (treat[t] == "B") effect else 0
    step_days <- if (treat[t] == "B") onset else offset
    if (step_days <= 0) {
      level <- target
    } else {
      step <- abs(effect) / step_days
      if (level < target) level <- min(target, level + step) else level <- max(target, level - step)
    }
    E[t] <- level
  }
  y <- baseline + drift * (1:days) + E + e
  if (!continuous) y <- pmin(10, pmax(0, round(y)))
  period_of <- rep(seq_len(2 * pairs), each = period)
  day_in_period <- rep(seq_len(period), times = 2 * pairs)
  keep <- day_in_period > run_in
  u <- runif(days)
  outcome <- ifelse(u < missing_empty, NA, y)
  absent <- u >= missing_empty & u < missing_empty + missing_absent
  # The first and last analysed day of every period stay present (their period is then never
  # empty and the file's first and last days are fixed).
  first_last <- day_in_period == run_in + 1 | day_in_period == period
  absent <- absent & !first_last
  rows <- keep & !absent
  d <- data.frame(day = (1:days)[rows], period = period_of[rows], treatment = treat[rows],
                  outcome = outcome[rows])
  if (guesses) {
    # The patient's guess at the end of each period, on the period's last row: right 4 times in 6
    # here, once "don't know".
    g <- rep("", nrow(d))
    last_rows <- cumsum(table(d$period))
    truth <- seq_ab
    guess <- ifelse(runif(2 * pairs) < 0.67, truth, ifelse(truth == "A", "B", "A"))
    guess[2] <- "DK"
    g[last_rows] <- guess
    d$guess <- g
  }
  path <- file.path(out_dir, paste0(name, ".csv"))
  out <- d
  out$outcome <- ifelse(is.na(out$outcome), "", format(out$outcome, trim = TRUE, digits = 15))
  write.csv(out, path, row.names = FALSE, quote = FALSE)
  cat(sprintf("%-24s %s  %d rows, %d with an outcome\n", name, paste(seq_ab, collapse = ""), nrow(d),
              sum(!is.na(d$outcome))))
}

make("clear_effect", 101, effect = -2, sd = 1, rho = 0.3)
make("no_effect", 102, effect = 0, sd = 1.2, rho = 0.4)
make("small_effect", 103, effect = -0.5, sd = 1, rho = 0.4)
make("strong_autocorrelation", 104, effect = -1, sd = 1.2, rho = 0.85)
make("missing_days", 105, effect = -1, sd = 1, rho = 0.5, missing_empty = 0.15, missing_absent = 0.15,
     guesses = TRUE)
make("short_trial", 106, pairs = 2, period = 14, run_in = 7, effect = -1.5, sd = 1, rho = 0.3)
make("trend", 107, effect = -1, sd = 1, rho = 0.3, drift = -0.02)
make("carry_over", 108, effect = -1.5, sd = 1, rho = 0.3, onset = 10, offset = 24)
make("continuous_mood", 109, pairs = 4, baseline = 4, effect = 1, sd = 1.5, rho = 0.5, continuous = TRUE)
make("six_pairs", 110, pairs = 6, period = 21, run_in = 7, effect = -1, sd = 1, rho = 0.3)
