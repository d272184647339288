data {
  int<lower=0> N;
  vector[N] y;
}
param {
  real mu;
}
model {
  y ~ normal(mu, sigma);
}
