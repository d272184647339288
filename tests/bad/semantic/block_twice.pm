// expect: 8:1: error: the 'model' block is given twice
data {
  real y;
}
model {
  y ~ normal(0, 1);
}
model {
  y ~ normal(1, 1);
}
