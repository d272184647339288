// expect: 10:19: error: the model cannot read the guide param 'm'
data {
  real y;
}
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
  y ~ normal(mu + m, 1);
}
guide {
  param real m;
  mu ~ normal(m, 1);
}
