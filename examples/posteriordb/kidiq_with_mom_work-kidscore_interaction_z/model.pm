// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior kidiq_with_mom_work-kidscore_interaction_z,
// model kidscore_interaction_z.stan, translated to .pm.
// Deviations: none; Stan's transformed data are data-only definitions.
// No prior statements: beta and sigma have improper flat priors on their supports, as in Stan.
data {
  int<lower=0> N;
  vector[N] kid_score;
  vector[N] mom_hs;
  vector[N] mom_iq;
}
latent {
  vector[4] beta;
  real<lower=0> sigma;
}
model {
  // standardizing (data only: computed once)
  vector[N] z_mom_hs = (mom_hs - mean(mom_hs)) / (2 * sd(mom_hs));
  vector[N] z_mom_iq = (mom_iq - mean(mom_iq)) / (2 * sd(mom_iq));
  vector[N] inter = z_mom_hs .* z_mom_iq;
  kid_score ~ normal(beta[1] + beta[2] * z_mom_hs + beta[3] * z_mom_iq
                     + beta[4] * inter, sigma);
}
