// expect: 3:3: error: a bare '{ ... }' is not a statement
model {
  {
    x ~ normal(0, 1);
  }
}
