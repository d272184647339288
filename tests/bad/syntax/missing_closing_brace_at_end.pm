// expect: 3:20: error: expected a statement or '}', but the file ended
model {
  x ~ normal(0, 1);
