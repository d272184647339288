// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior kidiq_with_mom_work-kidscore_mom_work,
// model kidscore_mom_work.stan, translated to .pm.
// Deviations: none; the dummy coding of Stan's transformed data is three data-only
// elementwise definitions (a comparison is the int 1 or 0, promoted to real).
// No prior statements: beta and sigma have improper flat priors on their supports, as in Stan.
data {
  int<lower=0> N;
  vector[N] kid_score;
  array[N] int mom_work;
}
latent {
  vector[4] beta;
  real<lower=0> sigma;
}
model {
  vector[N] work2;
  vector[N] work3;
  vector[N] work4;
  for (i in 1:N) {
    work2[i] = mom_work[i] == 2;
    work3[i] = mom_work[i] == 3;
    work4[i] = mom_work[i] == 4;
  }
  kid_score ~ normal(beta[1] + beta[2] * work2 + beta[3] * work3
                     + beta[4] * work4, sigma);
}
