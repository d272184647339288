// expect: 3:10: error: expected 'in' after the loop variable
model {
  for (i = 1:N) {
    y[i] ~ normal(0, 1);
  }
}
