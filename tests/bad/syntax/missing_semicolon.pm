// expect: 3:19: error: expected ';' after the statement
model {
  x ~ normal(0, 1)
  y ~ normal(0, 1);
}
