// Stan's coin.stan (peers/stan): beta-Bernoulli.
data {
  int<lower=0> N;
  array[N] int<lower=0, upper=1> y;
}
param {
  real<lower=0, upper=1> theta;
}
model {
  theta ~ beta(1, 1);
  y ~ bernoulli(theta);
}
