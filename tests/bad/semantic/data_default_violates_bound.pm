// expect: 3:20: error: the default of 'K' is 3, which violates lower=5
data {
  int<lower=5> K = 3;
  int<lower=1> N;
  vector[N] y;
}
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
  y ~ normal(mu, 1);
}
