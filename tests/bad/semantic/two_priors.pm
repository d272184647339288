// expect: 7:3: error: the latent 'mu' has two priors
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
  mu ~ cauchy(0, 1);
}
