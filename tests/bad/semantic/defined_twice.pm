// expect: 7:3: error: cannot assign to latent 'mu'
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
  mu = 2;
}
