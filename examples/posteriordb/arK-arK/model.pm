// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior arK-arK,
// model arK.stan (AR(K) time series), translated to .pm.
// Deviations: Stan accumulates mu = alpha + sum_k beta[k] * y[t - k] in a local variable
// reassigned K times; .pm defines every name once, so the lagged values are gathered once
// into a data-only matrix (Stan's transformed data), lags[s, k] = y[s + K - k] for the
// prediction of y[s + K], and the K + 1 .. T observations are one vectorized statement.
// The density is the same.
data {
  int<lower=0> K;
  int<lower=0> T;
  array[T] real y;
}
latent {
  real alpha;
  array[K] real beta;
  real<lower=0> sigma;
}
model {
  matrix[T - K, K] lags;
  for (s in 1:(T - K)) {
    for (k in 1:K) {
      lags[s, k] = y[s + K - k];
    }
  }
  alpha ~ normal(0, 10);
  beta ~ normal(0, 10);
  sigma ~ cauchy(0, 2.5);
  y[(K + 1):T] ~ normal(alpha + lags * to_vector(beta), sigma);
}
