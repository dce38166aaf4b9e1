# Independent oracle for src/pharmacology: integrates the model's ODEs numerically (classical RK4, step
# 1/600 h = 6 s) instead of using the closed forms, with explicit dose events, and writes reference
# concentrations. Regenerate with:
#   Rscript tests/oracles/pk_reference.R > tests/golden/pharmacology/pk_reference.csv
# Parameters: typical values of data/pk_parameters.json (ka 3/h; t1/2 4 h, V/F 3150 L; 6beta-naltrexol
# t1/2 13 h, V/F 430 L; ke0 = ln2/3 h; direct EC50 1.5 ng/mL). Doses mg HCl, concentrations ng/mL.
ka <- 3; k1 <- log(2) / 4; v1 <- 3150; k2 <- log(2) / 13; v2 <- 430; ke0 <- log(2) / 3; ec50 <- 1.5

# State: gut amount feeding the parent (mg), gut amount feeding the metabolite (mg, same ka: formed
# presystemically), parent amount (mg), metabolite amount (mg), effect-site concentration (ng/mL).
deriv <- function(y) {
  c1 <- y[3] / v1 * 1000
  c(-ka * y[1], -ka * y[2], ka * y[1] - k1 * y[3], ka * y[2] - k2 * y[4], ke0 * (c1 - y[5]))
}
rk4 <- function(y, h) {
  a <- deriv(y); b <- deriv(y + h / 2 * a); c <- deriv(y + h / 2 * b); d <- deriv(y + h * c)
  y + h / 6 * (a + 2 * b + 2 * c + d)
}
simulate <- function(dose, days, times_after_last) {
  h <- 1 / 600
  y <- c(0, 0, 0, 0, 0)
  out <- NULL
  end_h <- (days - 1) * 24 + max(times_after_last)
  wanted <- round(((days - 1) * 24 + times_after_last) * 600)
  for (step in 0:round(end_h * 600)) {
    if (step %% (24 * 600) == 0 && step / (24 * 600) < days) y[1:2] <- y[1:2] + dose
    if (step %in% wanted) {
      t <- step / 600 - (days - 1) * 24
      c1 <- y[3] / v1 * 1000
      out <- rbind(out, data.frame(dose_mg = dose, days = days, t_h = t, naltrexone_ng_ml = c1,
                                   naltrexol_ng_ml = y[4] / v2 * 1000, effect_site_ng_ml = y[5],
                                   occupancy_direct_pct = 100 * c1 / (c1 + ec50)))
    }
    if (step < round(end_h * 600)) y <- rk4(y, h)
  }
  out
}
# Doses are added at the start of a step, so a time that coincides with a dose reads the value after it;
# t = 0 therefore is avoided (the closed form gives the pre-absorption value 0 there anyway).
times <- c(0.5, 1, 2, 4, 8, 12, 24)
res <- rbind(simulate(4.5, 1, times), simulate(50, 1, times), simulate(1.5, 3, times), simulate(4.5, 7, times))
write.csv(format(res, digits = 12), stdout(), row.names = FALSE, quote = FALSE)
