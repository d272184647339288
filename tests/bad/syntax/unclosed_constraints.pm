// expect: 3:16: error: expected ',' or '>' after the constraint
data {
  real<lower=0 sigma;
}
