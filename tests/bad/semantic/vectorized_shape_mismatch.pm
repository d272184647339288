// expect: 8:14: error: '~ normal': m is matrix[N, 2] but y is vector[N]
data {
  int<lower=1> N;
  vector[N] y;
  matrix[N, 2] m;
}
model {
  y ~ normal(m, 1);
}
