// Stan's eight_schools_nc.stan: eight schools, non-centered.
data {
  int<lower=0> J;
  vector[J] y;
  vector<lower=0>[J] sigma;
}
latent {
  real mu;
  real<lower=0> tau;
  vector[J] theta_tilde;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  theta_tilde ~ normal(0, 1);
  theta = mu + tau * theta_tilde;
  y ~ normal(theta, sigma);
}
