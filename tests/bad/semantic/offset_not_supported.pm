// expect: 3:8: error: 'offset' is not supported in v0
latent {
  real<offset=1> mu;
}
model {
  mu ~ normal(1, 1);
}
