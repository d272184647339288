// expect: 6:3: error: 'x' is defined in terms of itself
data {
  real y;
}
model {
  x = x + 1;
  y ~ normal(x, 1);
}
