// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior mesquite-logmesquite_logvolume,
// model logmesquite_logvolume.stan, translated to .pm.
// Deviations: none; Stan's transformed data are data-only definitions.
// No prior statements: beta and sigma have improper flat priors on their supports, as in Stan.
data {
  int<lower=0> N;
  vector[N] weight;
  vector[N] diam1;
  vector[N] diam2;
  vector[N] canopy_height;
}
latent {
  vector[2] beta;
  real<lower=0> sigma;
}
model {
  vector[N] log_weight = log(weight);
  vector[N] log_canopy_volume = log(diam1 .* diam2 .* canopy_height);
  log_weight ~ normal(beta[1] + beta[2] * log_canopy_volume, sigma);
}
