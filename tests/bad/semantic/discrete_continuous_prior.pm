// expect: 6:7: error: the discrete latent 'z' needs a discrete distribution; 'normal' is continuous
latent {
  int<lower=0, upper=1> z;
}
model {
  z ~ normal(0, 1);
}
