// expect: 10:3: error: the discrete latent 'z' is summed out exactly; the guide cannot draw it
latent {
  int<lower=0, upper=1> z;
}
model {
  z ~ bernoulli(0.5);
}
guide {
  param real m;
  z ~ normal(m, 1);
}
