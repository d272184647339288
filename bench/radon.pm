// Benchmark (issue 14): the peers' radon varying-intercept model (../shared/peers/stan/radon.stan),
// centred, J = 85 counties, N = 919, the same priors. Sampled by bench/nuts_bench.py.
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
  a ~ normal(mu_a, sigma_a);
  y ~ normal(a[county] + b * x, sigma_y);
}
