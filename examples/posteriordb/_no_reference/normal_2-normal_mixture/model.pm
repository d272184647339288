// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior normal_2-normal_mixture,
// model normal_mixture.stan (normal mixture, unknown proportion and means, known sd 1),
// translated to .pm.
// Deviation in form, not in density: Stan's
//   target += log_mix(theta, normal_lpdf(y[n] | mu[1], 1.0), normal_lpdf(y[n] | mu[2], 1.0))
// is written with the discrete latent z[n], P(z[n] = 1) = theta, which the engine sums out
// exactly: sum_k P(z[n] = k) normal(y[n] | mu[k], 1) = exp(log_mix(...)). The means are
// unordered, as in Stan, so the posterior has two modes (label switching).
data {
  int<lower=0> N;
  array[N] real y;
}
latent {
  real<lower=0, upper=1> theta;
  array[2] real mu;
  array[N] int<lower=1, upper=2> z;
}
model {
  theta ~ uniform(0, 1);    // equivalently, ~ beta(1, 1)
  mu ~ normal(0, 10);
  vector[2] weights = [theta, 1 - theta]';
  for (n in 1:N) {
    z[n] ~ categorical(weights);
    y[n] ~ normal(mu[z[n]], 1.0);
  }
}
