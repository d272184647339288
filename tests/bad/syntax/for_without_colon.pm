// expect: 3:14: error: expected ':' in the loop range
model {
  for (i in 1, N) {
    y[i] ~ normal(0, 1);
  }
}
