// expect: 6:10: error: a size must be an expression over literals and data; 'M' is a param
param {
  int M;
}
latent {
  vector[M] v;
}
model {
  v ~ normal(0, 1);
}
