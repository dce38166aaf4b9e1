# The four N-of-1 models of docs/nof1.md as JAGS model strings, written by ldn from the published
# equations (no code of the engines is used), and the data each one is given. Sourced by
# jags_reference.R and time_jags.R.
#
#   mean  TrialistNof1 run.norm model 1:  Y_i ~ N(alpha + beta B_i, sd^2)
#   trend TrialistNof1 run.norm model 2 with the covariate a linear time trend (ldn's choice of
#         covariate, docs/nof1.md):       Y_i ~ N(alpha + beta B_i + slope x_i, sd^2),
#         x_i = day_i - mean(day of the days with an outcome)
#   lag   TrialistNof1 run.norm model 4:  Y_i ~ N(alpha + beta B_i + slope Y_{i-1}, sd^2) on every
#         calendar day from the first to the last analysed day (a day without an outcome is a
#         latent node), Y_0 ~ N(v, precision 2), v = mean of the observed outcomes
#   ar1   nof1ins normal model with correlated errors (corr.y = TRUE): cell means beta_A, beta_B,
#         e_i = Y_i - mu_i, Y_1 ~ N(mu_1, sd^2 / (1 - rho^2)), Y_i ~ N(mu_i + rho e_{i-1}, sd^2)
# Priors (TrialistNof1 evaluate(): alphaprior, beta.norm.prior = norm(0, 1e-6), slopeprior =
# norm(0, 0.1), varprior Sd ~ unif(0.1, 5); nof1ins nof1.prior.default: beta ~ dnorm(0, 1e-6),
# rho ~ dunif(-1, 1), prec ~ dgamma(0.001, 0.001)). JAGS parameterises dnorm by precision.
# B_i = 1 on LDN (treatment B), 0 on placebo (A); the monitored `diff` is LDN - placebo.

nof1_model_string <- function(model) {
  switch(model,
    mean = "model {
      for (i in 1:N) {
        Y[i] ~ dnorm(alpha + beta * B[i], prec)
      }
      alpha ~ dnorm(0, 1.0E-6)
      beta ~ dnorm(0, 1.0E-6)
      Sd ~ dunif(0.1, 5)
      prec <- pow(Sd, -2)
      diff <- beta
    }",
    trend = "model {
      for (i in 1:N) {
        Y[i] ~ dnorm(alpha + beta * B[i] + slope * x[i], prec)
      }
      alpha ~ dnorm(0, 1.0E-6)
      beta ~ dnorm(0, 1.0E-6)
      slope ~ dnorm(0, 0.1)
      Sd ~ dunif(0.1, 5)
      prec <- pow(Sd, -2)
      diff <- beta
    }",
    lag = "model {
      Y0 ~ dnorm(v, 2)
      Y[1] ~ dnorm(alpha + beta * B[1] + slope * Y0, prec)
      for (i in 2:N) {
        Y[i] ~ dnorm(alpha + beta * B[i] + slope * Y[i - 1], prec)
      }
      alpha ~ dnorm(0, 1.0E-6)
      beta ~ dnorm(0, 1.0E-6)
      slope ~ dnorm(0, 0.1)
      Sd ~ dunif(0.1, 5)
      prec <- pow(Sd, -2)
      diff <- beta
      long_run <- beta / (1 - slope)
    }",
    ar1 = "model {
      for (i in 1:N) {
        mu[i] <- beta_A * (1 - B[i]) + beta_B * B[i]
      }
      Y[1] ~ dnorm(mu[1], prec * (1 - rho * rho))
      for (i in 2:N) {
        Y[i] ~ dnorm(mu[i] + rho * (Y[i - 1] - mu[i - 1]), prec)
      }
      beta_A ~ dnorm(0, 1.0E-6)
      beta_B ~ dnorm(0, 1.0E-6)
      rho ~ dunif(-1, 1)
      prec ~ dgamma(0.001, 0.001)
      Sd <- pow(prec, -0.5)
      diff <- beta_B - beta_A
    }",
    stop("unknown model ", model))
}

# Reads a trial CSV (day,period,treatment,outcome[,guess]) and returns the data for `model`.
# mean and trend use the days with an outcome only (a day without one adds nothing to those
# models); lag and ar1 use every calendar day from the first to the last row, NA where there is no
# outcome. A day with no row takes the treatment of the next row (a run-in day belongs to the
# period it starts; docs/nof1.md).
nof1_read_csv <- function(path) {
  d <- read.csv(path, colClasses = c(day = "integer", period = "integer", treatment = "character",
                                     outcome = "numeric"), na.strings = "")
  d[order(d$day), ]
}

nof1_model_data <- function(d, model) {
  if (model %in% c("mean", "trend")) {
    o <- d[!is.na(d$outcome), ]
    data <- list(N = nrow(o), Y = o$outcome, B = as.numeric(o$treatment == "B"))
    if (model == "trend") data$x <- o$day - mean(o$day)
    return(data)
  }
  days <- seq(min(d$day), max(d$day))
  y <- rep(NA_real_, length(days))
  y[d$day - min(d$day) + 1] <- d$outcome
  next_row <- findInterval(days - 1, d$day) + 1  # the first row with day >= this day
  b <- as.numeric(d$treatment[next_row] == "B")
  data <- list(N = length(days), Y = y, B = b)
  if (model == "lag") data$v <- mean(d$outcome, na.rm = TRUE)
  data
}

nof1_monitors <- function(model) {
  switch(model, mean = c("diff", "Sd"), trend = c("diff", "Sd", "slope"), lag = c("diff", "Sd", "slope", "long_run"),
         ar1 = c("diff", "Sd", "rho"))
}
