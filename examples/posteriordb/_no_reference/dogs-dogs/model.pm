// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior dogs-dogs,
// model dogs.stan (logistic regression on each dog's learning history), translated to .pm.
// Deviations: none in the density. n_avoid and n_shock depend on the data alone, so in
// .pm they are computed once when the data load and are not reported (Stan reports them
// as transformed parameters); p depends on beta and is reported. The recursions over t are
// sequential loops (n_avoid[j, t] reads n_avoid[j, t - 1]); the loop over dogs is a plate.
data {
  int<lower=0> n_dogs;
  int<lower=0> n_trials;
  array[n_dogs, n_trials] int<lower=0, upper=1> y;
}
latent {
  vector[3] beta;
}
model {
  matrix[n_dogs, n_trials] n_avoid;
  matrix[n_dogs, n_trials] n_shock;
  for (j in 1:n_dogs) {
    n_avoid[j, 1] = 0;
    n_shock[j, 1] = 0;
    for (t in 2:n_trials) {
      n_avoid[j, t] = n_avoid[j, t - 1] + 1 - y[j, t - 1];
      n_shock[j, t] = n_shock[j, t - 1] + y[j, t - 1];
    }
  }
  matrix[n_dogs, n_trials] p = beta[1] + beta[2] * n_avoid + beta[3] * n_shock;
  beta ~ normal(0, 100);
  y ~ bernoulli_logit(p);
}
