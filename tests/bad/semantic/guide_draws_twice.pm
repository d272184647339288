// expect: 11:3: error: the latent 'mu' is drawn twice in the guide
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
}
guide {
  param real m;
  mu ~ normal(m, 1);
  mu ~ normal(m, 2);
}
