// expect: 2:1: error: expected a block
modle {
  x ~ normal(0, 1);
}
