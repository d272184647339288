// Stan's null.stan: one standard-normal parameter, no data.
param {
  real x;
}
model {
  x ~ normal(0, 1);
}
