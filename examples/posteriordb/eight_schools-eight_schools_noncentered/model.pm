// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior eight_schools-eight_schools_noncentered,
// model eight_schools_noncentered.stan, translated to .pm.
// Deviations: none in the density. Stan's transformed parameter theta is a model-block
// definition with the same name, so it is reported (the reference is on theta, mu, tau).
data {
  int<lower=0> J;                   // number of schools
  array[J] real y;                  // estimated treatment
  array[J] real<lower=0> sigma;     // std of estimated effect
}
latent {
  vector[J] theta_trans;            // transformation of theta
  real mu;                          // hyper-parameter of mean
  real<lower=0> tau;                // hyper-parameter of sd
}
model {
  vector[J] theta = theta_trans * tau + mu;   // original theta
  theta_trans ~ normal(0, 1);
  y ~ normal(theta, sigma);
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
}
