// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior arma-arma11,
// model arma11.stan (ARMA(1, 1)), translated to .pm.
// Deviations: none in the density. nu and err are a sequential loop (err[t] reads
// err[t - 1]); as model-block definitions they are reported, where Stan's locals are not.
// Stan's err ~ normal(0, sigma) is written y ~ normal(nu, sigma): since err = y - nu,
// normal(err | 0, sigma) = normal(y | nu, sigma), and the ~ stays on observed data.
data {
  int<lower=1> T;            // number of observations
  array[T] real y;           // observed outputs
}
latent {
  real mu;                   // mean coefficient
  real phi;                  // autoregression coefficient
  real theta;                // moving average coefficient
  real<lower=0> sigma;       // noise scale
}
model {
  vector[T] nu;              // prediction for time t
  vector[T] err;             // error for time t
  mu ~ normal(0, 10);
  phi ~ normal(0, 2);
  theta ~ normal(0, 2);
  sigma ~ cauchy(0, 2.5);
  nu[1] = mu + phi * mu;     // assume err[0] == 0
  err[1] = y[1] - nu[1];
  for (t in 2:T) {
    nu[t] = mu + phi * y[t - 1] + theta * err[t - 1];
    err[t] = y[t] - nu[t];
  }
  y ~ normal(nu, sigma);
}
