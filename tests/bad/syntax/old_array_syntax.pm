// expect: 3:9: error: Stan's old array syntax
data {
  real y[10];
}
