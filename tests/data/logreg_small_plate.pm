// logreg_small.pm with the likelihood in a plate: row X[n] times beta per datum.
data {
  int<lower=0> N;
  int<lower=1> D;
  matrix[N, D] X;
  array[N] int<lower=0, upper=1> y;
}
param {
  real alpha;
  vector[D] beta;
}
model {
  alpha ~ normal(0, 2.5);
  beta ~ normal(0, 2.5);
  for (n in 1:N) {
    eta[n] = alpha + X[n] * beta;
    y[n] ~ bernoulli_logit(eta[n]);
  }
}
