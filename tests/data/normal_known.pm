// Stan's normal_known.stan: normal likelihood with known sigma, normal prior on mu.
data {
  int<lower=0> N;
  vector[N] y;
  real<lower=0> sigma;
  real mu0;
  real<lower=0> tau0;
}
param {
  real mu;
}
model {
  mu ~ normal(mu0, tau0);
  y ~ normal(mu, sigma);
}
