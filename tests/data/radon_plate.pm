// radon.pm with the likelihood in a plate: a[county[n]] is a gather over the plate.
data {
  int<lower=1> N;
  int<lower=1> J;
  array[N] int<lower=1, upper=J> county;
  vector[N] x;
  vector[N] y;
}
latent {
  real mu_a;
  real<lower=0> sigma_a;
  vector[J] a;
  real b;
  real<lower=0> sigma_y;
}
model {
  mu_a ~ normal(0, 10);
  sigma_a ~ normal(0, 5);
  b ~ normal(0, 10);
  sigma_y ~ normal(0, 5);
  for (j in 1:J) {
    a[j] ~ normal(mu_a, sigma_a);
  }
  for (n in 1:N) {
    mu[n] = a[county[n]] + b * x[n];
  }
  y ~ normal(mu, sigma_y);
}
