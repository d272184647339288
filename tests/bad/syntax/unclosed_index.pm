// expect: 3:25: error: expected ',' or ']' after the index
model {
  y ~ normal(mu[1, sigma);
}
