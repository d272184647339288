// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior low_dim_gauss_mix-low_dim_gauss_mix,
// model low_dim_gauss_mix.stan (2-component 1-D normal mixture), translated to .pm.
// Deviation in form, not in density: Stan marginalizes the component indicator by hand,
//   target += log_mix(theta, normal_lpdf(y[n] | mu[1], sigma[1]),
//                            normal_lpdf(y[n] | mu[2], sigma[2])),
// with log_mix(theta, a, b) = log(theta e^a + (1 - theta) e^b). Here the indicator is the
// discrete latent z[n] with P(z[n] = 1) = theta, P(z[n] = 2) = 1 - theta, which the engine
// sums out exactly: sum_k P(z[n] = k) normal(y[n] | mu[k], sigma[k]) is the same mixture
// density, so the posterior of (mu, sigma, theta) is Stan's, and the engine also reports
// each P(z[n] = k | y, ...).
data {
  int<lower=0> N;
  vector[N] y;
}
latent {
  ordered[2] mu;
  array[2] real<lower=0> sigma;
  real<lower=0, upper=1> theta;
  array[N] int<lower=1, upper=2> z;
}
model {
  sigma ~ normal(0, 2);
  mu ~ normal(0, 2);
  theta ~ beta(5, 5);
  vector[2] weights = [theta, 1 - theta]';
  for (n in 1:N) {
    z[n] ~ categorical(weights);
    y[n] ~ normal(mu[z[n]], sigma[z[n]]);
  }
}
