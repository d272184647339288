// expect: 8:15: error: a loop bound must be an expression over data and literals; 'n' is a latent
latent {
  int<lower=1, upper=3> n;
  real mu;
}
model {
  n ~ categorical([0.2, 0.3, 0.5]');
  for (i in 1:n) {
    mu ~ normal(0, 1);
  }
}
