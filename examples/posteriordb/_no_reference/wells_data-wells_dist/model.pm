// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior wells_data-wells_dist,
// model wells_dist.stan (logistic regression), translated to .pm. Deviations: none.
// No prior statement: beta has an improper flat prior, as in Stan.
data {
  int<lower=0> N;
  array[N] int<lower=0, upper=1> switched;
  vector[N] dist;
}
latent {
  vector[2] beta;
}
model {
  switched ~ bernoulli_logit(beta[1] + beta[2] * dist);
}
