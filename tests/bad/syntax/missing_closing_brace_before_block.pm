// expect: 5:1: error: expected a statement or '}'
model {
  x ~ normal(0, 1);

latent {
  real x;
}
