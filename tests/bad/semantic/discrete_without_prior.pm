// expect: 6:25: error: the discrete latent 'z' needs a distribution in model
data {
  real x;
}
latent {
  int<lower=0, upper=1> z;
}
model {
  x ~ normal(z, 1);
}
