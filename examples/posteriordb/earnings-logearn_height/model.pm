// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior earnings-logearn_height,
// model logearn_height.stan, translated to .pm.
// Deviations: none; Stan's transformed data log_earn is a data-only definition.
// No prior statements: beta and sigma have improper flat priors on their supports, as in Stan.
data {
  int<lower=0> N;
  vector[N] earn;
  vector[N] height;
}
latent {
  vector[2] beta;
  real<lower=0> sigma;
}
model {
  vector[N] log_earn = log(earn);   // log transformation (data only)
  log_earn ~ normal(beta[1] + beta[2] * height, sigma);
}
