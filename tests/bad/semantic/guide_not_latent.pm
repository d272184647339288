// expect: 13:3: error: the guide draws only latents; 'mu' is a param
data {
  real y;
}
param {
  real mu;
}
model {
  y ~ normal(mu, 1);
}
guide {
  param real m;
  mu ~ normal(m, 1);
}
