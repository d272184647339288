// expect: 3:7: error: expected '(' after 'for'
model {
  for i in 1:N) {
    y[i] ~ normal(0, 1);
  }
}
