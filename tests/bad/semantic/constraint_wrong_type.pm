// expect: 6:14: error: bound 'lower' must be an int or real scalar, got vector[2]
data {
  vector[2] v;
}
latent {
  real<lower=v> mu;
}
model {
  mu ~ normal(0, 1);
}
