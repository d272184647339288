// expect: 7:15: error: a loop bound must be an int, got real
data {
  real r;
  vector[3] y;
}
model {
  for (i in 1:r) {
    y[i] ~ normal(0, 1);
  }
}
