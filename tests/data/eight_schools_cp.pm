// Stan's eight_schools_cp.stan, written with a plate: the same density as the vectorized form.
data {
  int<lower=0> J;
  vector[J] y;
  vector<lower=0>[J] sigma;
}
latent {
  real mu;
  real<lower=0> tau;
  vector[J] theta;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  for (j in 1:J) {
    theta[j] ~ normal(mu, tau);
    y[j] ~ normal(theta[j], sigma[j]);
  }
}
