// expect: 5:1: error: expected a block
model {
  x ~ normal(0, 1);
}
}
