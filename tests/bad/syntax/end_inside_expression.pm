// expect: 3:19: error: expected an expression, but the file ended
model {
  y ~ normal(mu + 
