// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior radon_mn-radon_hierarchical_intercept_noncentered,
// model radon_hierarchical_intercept_noncentered.stan, translated to .pm.
// Deviations: none in the density. The transformed parameter alpha keeps its name. Stan's
// per-datum locals muj and mu are folded into one vectorized likelihood (alpha[county_idx]
// gathers each datum's county intercept), so they are not reported as definitions.
data {
  int<lower=0> J;
  int<lower=0> N;
  array[N] int<lower=1, upper=J> county_idx;
  vector[N] log_uppm;
  vector[N] floor_measure;
  vector[N] log_radon;
}
latent {
  vector[J] alpha_raw;
  vector[2] beta;
  real mu_alpha;
  real<lower=0> sigma_alpha;
  real<lower=0> sigma_y;
}
model {
  // implies alpha ~ normal(mu_alpha, sigma_alpha)
  vector[J] alpha = mu_alpha + sigma_alpha * alpha_raw;
  sigma_alpha ~ normal(0, 1);
  sigma_y ~ normal(0, 1);
  mu_alpha ~ normal(0, 10);
  beta ~ normal(0, 10);
  alpha_raw ~ normal(0, 1);
  log_radon ~ normal(alpha[county_idx] + log_uppm * beta[1] + floor_measure * beta[2], sigma_y);
}
