data {
  int<lower=0> J;
  vector[J] y;
  vector<lower=0>[J] sigma;
}
latent {
  real mu;
  real<lower=0> tau;
  vector[J] eta;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  eta ~ normal(0, 1);
  theta = mu + tau * eta;
  y ~ normal(theta, sigma);
}
