// expect: 10:9: error: 'gamma' has no reparameterized sampler in v0
latent {
  real<lower=0> tau;
}
model {
  tau ~ gamma(2, 2);
}
guide {
  param real<lower=0> a;
  tau ~ gamma(a, 1);
}
