// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior kidiq-kidscore_interaction,
// model kidscore_interaction.stan, translated to .pm.
// Deviations: none; Stan's transformed data inter is a data-only definition.
// beta has an improper flat prior (no statement), as in Stan.
data {
  int<lower=0> N;
  vector<lower=0, upper=200>[N] kid_score;
  vector<lower=0, upper=200>[N] mom_iq;
  vector<lower=0, upper=1>[N] mom_hs;
}
latent {
  vector[4] beta;
  real<lower=0> sigma;
}
model {
  vector[N] inter = mom_hs .* mom_iq;   // interaction (data only: computed once)
  sigma ~ cauchy(0, 2.5);
  kid_score ~ normal(beta[1] + beta[2] * mom_hs + beta[3] * mom_iq
                     + beta[4] * inter, sigma);
}
