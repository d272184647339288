// expect: 6:8: warning: the latent 'mu' has no '~' in model: it gets an improper flat prior
data {
  real y;
}
latent {
  real mu;
}
model {
  y ~ normal(mu, 1);
}
