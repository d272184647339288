// expect: 7:3: error: cannot assign to data 'y'
data {
  int<lower=0> N;
  vector[N] y;
}
model {
  y = rep_vector(0, N);
}
