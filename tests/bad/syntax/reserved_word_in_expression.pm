// expect: 3:17: error: 'target' is a reserved word
model {
  y ~ normal(0, target);
}
