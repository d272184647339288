// expect: 4:12: error: the default of 'c' must be an expression over literals and earlier data; 'mu' is a param
data {
  int<lower=1> N;
  real c = mu;
}
param {
  real mu;
}
