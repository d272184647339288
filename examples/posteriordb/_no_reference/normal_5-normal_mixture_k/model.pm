// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior normal_5-normal_mixture_k,
// model normal_mixture_k.stan (K-component normal mixture), translated to .pm.
// Deviation in form, not in density: Stan's
//   ps[k] = log(theta[k]) + normal_lpdf(y[n] | mu[k], sigma[k]); target += log_sum_exp(ps);
// is written with the discrete latent z[n] ~ categorical(theta), which the engine sums out
// exactly: log sum_k theta[k] normal(y[n] | mu[k], sigma[k]) is log_sum_exp(ps).
// theta and sigma have no prior statements (flat on the simplex and on (0, 10)), as in Stan.
data {
  int<lower=1> K;
  int<lower=1> N;
  array[N] real y;
}
latent {
  simplex[K] theta;
  array[K] real mu;
  array[K] real<lower=0, upper=10> sigma;
  array[N] int<lower=1, upper=K> z;
}
model {
  mu ~ normal(0, 10);
  for (n in 1:N) {
    z[n] ~ categorical(theta);
    y[n] ~ normal(mu[z[n]], sigma[z[n]]);
  }
}
