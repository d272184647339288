// expect: 6:13: error: 'mu' is declared but never defined
data {
  int<lower=1> N;
}
model {
  vector[N] mu;
}
