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
#   rc     = r clamped to [0, 0.95]
#   n_eff  = n (1 - rc) / (1 + rc)                      (Wilks 2011, eq. 5.12)
#   se     = sqrt(var(before) / n_eff_b + var(after) / n_eff_a)
#   df     = Welch-Satterthwaite with n_eff in place of n (Welch 1947)
#   CI     = (mean_a - mean_b) -/+ qt(0.975, df) * se
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
  rc <- min(max(r, 0), 0.95)
  neb <- length(b) * (1 - rc) / (1 + rc)
  nea <- length(a) * (1 - rc) / (1 + rc)
  vb <- var(b) / neb
  va <- var(a) / nea
  se <- sqrt(vb + va)
  df <- (vb + va)^2 / (vb^2 / (neb - 1) + va^2 / (nea - 1))
  q <- qt(0.975, df)
  diff <- mean(a) - mean(b)
  entries <- c(entries, paste0(
    "    {\"case\": \"", case, "\", \"n_before\": ", length(b), ", \"n_after\": ", length(a),
    ", \"mean_before\": ", num(mean(b)), ", \"mean_after\": ", num(mean(a)),
    ", \"difference\": ", num(diff), ", \"r\": ", num(r), ", \"r_clamped\": ", num(rc),
    ", \"n_eff_before\": ", num(neb), ", \"n_eff_after\": ", num(nea),
    ", \"standard_error\": ", num(se), ", \"degrees_of_freedom\": ", num(df),
    ", \"lower\": ", num(diff - q * se), ", \"upper\": ", num(diff + q * se), "}"))
}
writeLines(c("{", paste0("  \"generated_by\": \"tests/oracles/analysis_reference.R (", R.version.string, ")\","),
             "  \"level\": 0.95,", "  \"cases\": [", paste(entries, collapse = ",\n"), "  ]", "}"), output)
