// expect: 11:3: error: '~ poisson' expects an int or an array of ints on the left, got vector[N]
data {
  int<lower=0> N;
  vector[N] y;
}
latent {
  real<lower=0> lambda;
}
model {
  lambda ~ gamma(2, 1);
  y ~ poisson(lambda);
}
