// expect: 6:7: error: '~ normal' takes 2 arguments (mu, sigma), got 1
data {
  real y;
}
model {
  y ~ normal(0);
}
