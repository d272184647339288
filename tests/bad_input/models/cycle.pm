data {
  real y;
}
model {
  a = b + 1;
  b = a * 2;
  y ~ normal(a, 1);
}
