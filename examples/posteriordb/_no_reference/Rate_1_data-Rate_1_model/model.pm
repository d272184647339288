// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior Rate_1_data-Rate_1_model,
// model Rate_1_model.stan (inferring a rate), translated to .pm. Deviations: none.
// Conjugate: with k = 5 of n = 10 the posterior is beta(6, 6).
data {
  int<lower=1> n;
  int<lower=0> k;
}
latent {
  real<lower=0, upper=1> theta;
}
model {
  // Prior Distribution for Rate Theta
  theta ~ beta(1, 1);
  // Observed Counts
  k ~ binomial(n, theta);
}
