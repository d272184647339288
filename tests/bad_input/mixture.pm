// The model every bad data file is loaded against: a two-component mixture with known means
// and weights, so `pm evidence` (exact: only discrete latents) and `pm fit` (the exact
// posteriors of z) both accept it with good data (data/good.json).
data {
  int<lower=0> N;
  vector[N] y;
  array[N] int<lower=0, upper=1> flag;
  real<lower=0> sigma;
  simplex[2] weights;
}
latent {
  array[N] int<lower=1, upper=2> z;
}
model {
  for (i in 1:N) {
    z[i] ~ categorical(weights);
    y[i] ~ normal(z[i] == 1 ? -1.0 : 1.0, sigma);
  }
  flag ~ bernoulli(0.5);
}
