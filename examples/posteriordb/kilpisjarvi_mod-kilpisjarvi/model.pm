// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior kilpisjarvi_mod-kilpisjarvi,
// model kilpisjarvi.stan (Gaussian linear model with adjustable priors), translated to .pm.
// Deviations: none. xpred is read from the data but unused, as in Stan.
data {
  int<lower=0> N;     // number of data points
  vector[N] x;
  vector[N] y;
  real xpred;         // input location for prediction
  real pmualpha;      // prior mean for alpha
  real psalpha;       // prior std for alpha
  real pmubeta;       // prior mean for beta
  real psbeta;        // prior std for beta
}
latent {
  real alpha;
  real beta;
  real<lower=0> sigma;
}
model {
  alpha ~ normal(pmualpha, psalpha);
  beta ~ normal(pmubeta, psbeta);
  y ~ normal(alpha + beta * x, sigma);
}
