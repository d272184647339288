// expect: 6:7: warning: the support of 'k' is cut at its upper bound (20)
latent {
  int<lower=0, upper=20> k;
}
model {
  k ~ poisson(3);
}
