// expect: 3:16: error: the discrete latent 'k' has the infinite support {0, 1, 2, ...} of poisson and no upper bound
latent {
  int<lower=0> k;
}
model {
  k ~ poisson(3);
}
