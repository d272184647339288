// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior earnings-logearn_interaction_z,
// model logearn_interaction_z.stan, translated to .pm.
// Deviations: none; Stan's transformed data are data-only definitions.
// No prior statements: beta and sigma have improper flat priors on their supports, as in Stan.
data {
  int<lower=0> N;
  vector[N] earn;
  vector[N] height;
  vector[N] male;
}
latent {
  vector[4] beta;
  real<lower=0> sigma;
}
model {
  vector[N] log_earn = log(earn);                             // log transformation
  vector[N] z_height = (height - mean(height)) / sd(height);  // standardization
  vector[N] inter = z_height .* male;                         // interaction
  log_earn ~ normal(beta[1] + beta[2] * z_height + beta[3] * male
                    + beta[4] * inter, sigma);
}
