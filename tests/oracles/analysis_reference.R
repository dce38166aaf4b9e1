#!/usr/bin/env Rscript
# Independent oracle for src/analysis/ar1_interval.{h,cpp}.
#
# Reads tests/golden/analysis/ar1_series.csv (columns case, window = before|after, value; each
# window's rows are consecutive calendar days in order, no gaps) and writes
# tests/golden/analysis/ar1_expected.json with, for each case, the numbers computed with R's own
# functions: mean(), var(), acf(type = "covariance"), qt().
#
#   r      = pooled lag-1 autocorrelation of within-window residuals
#          = sum_w n_w * c1_w / sum_w n_w * c0_w, with c_k from acf(x, type = "covariance")
#            (acf divides by n, so n_w * c_k_w is the window's sum of lagged residual products)
#   phi    = (m r + 1) / (m - 3), m = mean window length  (Kendall 1954 bias correction)
#   rc     = phi clamped to [0, 0.95]
#   f      = 1 + 2 sum_{k=1}^{n-1} (1 - k/n) rc^k      (variance inflation of an AR(1) mean)
#   n_eff  = n (n - f) / ((n - 1) f)                   (finite-n form of Wilks 2011 eq. 5.12)
#   nu     = min(n - 1, n (1 - rc^2) / (1 + rc^2))     (df of an AR(1) sample variance, Bartlett)
#   se     = sqrt(var(before) / n_eff_b + var(after) / n_eff_a)
#   df     = Welch-Satterthwaite on nu_b and nu_a (Welch 1947)
#   CI     = (mean_a - mean_b) -/+ qt(0.975, df) * se
#   and the responder logic: % change, IMMPACT class, the classes at the interval's ends, Farrar
#
# Run from the repository root:  Rscript tests/oracles/analysis_reference.R
args <- commandArgs(trailingOnly = TRUE)
root <- if (length(args) >= 1) args[1] else "."
input <- file.path(root, "tests/golden/analysis/ar1_series.csv")
output <- file.path(root, "tests/golden/analysis/ar1_expected.json")

d <- read.csv(input, stringsAsFactors = FALSE)
num <- function(x) sprintf("%.17g", x)
entries <- character(0)
for (case in unique(d$case)) {
  b <- d$value[d$case == case & d$window == "before"]
  a <- d$value[d$case == case & d$window == "after"]
  cb <- acf(b, type = "covariance", lag.max = 1, plot = FALSE, demean = TRUE)$acf
  ca <- acf(a, type = "covariance", lag.max = 1, plot = FALSE, demean = TRUE)$acf
  r <- (length(b) * cb[2] + length(a) * ca[2]) / (length(b) * cb[1] + length(a) * ca[1])
  m <- (length(b) + length(a)) / 2
  phi <- if (m > 4) (m * r + 1) / (m - 3) else r
  rc <- min(max(phi, 0), 0.95)
  neff <- function(n) { k <- seq_len(n - 1); f <- 1 + 2 * sum((1 - k / n) * rc^k); n * (n - f) / ((n - 1) * f) }
  nu <- function(n) min(n - 1, n * (1 - rc^2) / (1 + rc^2))
  neb <- neff(length(b))
  nea <- neff(length(a))
  vb <- var(b) / neb
  va <- var(a) / nea
  se <- sqrt(vb + va)
  df <- (vb + va)^2 / (vb^2 / nu(length(b)) + va^2 / nu(length(a)))
  q <- qt(0.975, df)
  diff <- mean(a) - mean(b)
  # Responder logic (src/analysis/response.h): IMMPACT class of the % reduction (Dworkin 2008:
  # < 10 none, 10-30 minimal, 30-50 moderate, >= 50 substantial; 1e-9 tolerance at each lower
  # bound), the classes at the two ends of the interval, and Farrar's >= 2-point drop.
  cls <- function(red) if (red >= 50 - 1e-9) "substantial" else if (red >= 30 - 1e-9) "moderate" else
    if (red >= 10 - 1e-9) "minimal" else "none"
  pct <- 100 * diff / mean(b)
  entries <- c(entries, paste0(
    "    {\"case\": \"", case, "\", \"n_before\": ", length(b), ", \"n_after\": ", length(a),
    ", \"mean_before\": ", num(mean(b)), ", \"mean_after\": ", num(mean(a)),
    ", \"difference\": ", num(diff), ", \"r\": ", num(r), ", \"phi\": ", num(phi), ", \"r_clamped\": ", num(rc),
    ", \"n_eff_before\": ", num(neb), ", \"n_eff_after\": ", num(nea),
    ", \"df_before\": ", num(nu(length(b))), ", \"df_after\": ", num(nu(length(a))),
    ", \"standard_error\": ", num(se), ", \"degrees_of_freedom\": ", num(df),
    ", \"lower\": ", num(diff - q * se), ", \"upper\": ", num(diff + q * se),
    ", \"pct_change\": ", num(pct), ", \"responder_class\": \"", cls(-pct),
    "\", \"class_lowest\": \"", cls(-100 * (diff + q * se) / mean(b)),
    "\", \"class_highest\": \"", cls(-100 * (diff - q * se) / mean(b)),
    "\", \"farrar\": ", if (mean(b) - mean(a) >= 2 - 1e-9) "true" else "false", "}"))
}
writeLines(c("{", paste0("  \"generated_by\": \"tests/oracles/analysis_reference.R (", R.version.string, ")\","),
             "  \"level\": 0.95,", "  \"cases\": [", paste(entries, collapse = ",\n"), "  ]", "}"), output)
