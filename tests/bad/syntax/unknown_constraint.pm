// expect: 3:8: error: unknown constraint 'lowr'
data {
  real<lowr=0> sigma;
}
