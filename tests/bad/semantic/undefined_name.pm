// expect: 13:18: error: undefined name 'sigmma'; did you mean 'sigma'?
data {
  int<lower=0> N;
  vector[N] y;
}
latent {
  real mu;
  real<lower=0> sigma;
}
model {
  mu ~ normal(0, 1);
  sigma ~ lognormal(0, 1);
  y ~ normal(mu, sigmma);
}
