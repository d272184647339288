// expect: 11:3: error: 'target +=' belongs in the model block, not in guide
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
}
guide {
  param real m;
  mu ~ normal(m, 1);
  target += m;
}
