// Eight schools, non-centered, with generated quantities.
// The density is the one of eight_schools.pm (theta = mu + tau * eta with eta standard
// normal, which is theta ~ normal(mu, tau) without the funnel). The generated block adds,
// per posterior draw, a replicated data set for posterior predictive checks and each
// school's log-likelihood (the input of PSIS-LOO).
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
  vector[J] theta = mu + tau * eta;   // reported, like Stan's transformed parameters
  y ~ normal(theta, sigma);
}
generated {
  y_rep ~ normal(theta, sigma);
  for (j in 1:J) {
    log_lik[j] = normal_lpdf(y[j] | theta[j], sigma[j]);
  }
}
