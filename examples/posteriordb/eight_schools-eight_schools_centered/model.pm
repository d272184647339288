// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior eight_schools-eight_schools_centered,
// model eight_schools_centered.stan, translated to .pm.
// Deviations: none in the density. Stan's parameters become latents.
data {
  int<lower=0> J;                   // number of schools
  array[J] real y;                  // estimated treatment
  array[J] real<lower=0> sigma;     // std of estimated effect
}
latent {
  array[J] real theta;              // treatment effect in school j
  real mu;                          // hyper-parameter of mean
  real<lower=0> tau;                // hyper-parameter of sd
}
model {
  tau ~ cauchy(0, 5);
  theta ~ normal(mu, tau);
  y ~ normal(theta, sigma);
  mu ~ normal(0, 5);
}
