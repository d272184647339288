// expect: 3:13: error: a latent cannot be given a value
latent {
  real mu = 1;
}
model {
  mu ~ normal(0, 1);
}
