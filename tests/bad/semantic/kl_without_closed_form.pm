// expect: 7:13: error: kl has no closed form for normal and cauchy in v0
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
  target += kl(normal(0, 1), cauchy(0, 1));
}
