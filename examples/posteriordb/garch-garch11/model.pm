// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior garch-garch11,
// model garch11.stan (GARCH(1, 1)), translated to .pm.
// Deviation: Stan declares beta1 with a bound that depends on a parameter,
// real<lower=0, upper=(1 - alpha1)> beta1, which v0 does not allow. The translation draws
// beta1_raw in (0, 1) and defines beta1 = (1 - alpha1) * beta1_raw under the same name.
// Stan's flat density on beta1 over (0, 1 - alpha1) becomes, in (alpha1, beta1_raw), the
// same density times the Jacobian |d beta1 / d beta1_raw| = 1 - alpha1, added below with
// target += log1m(alpha1); so the target density of (mu, alpha0, alpha1, beta1) is Stan's.
// No prior statements: mu, alpha0, alpha1 and beta1 have flat priors on their supports.
data {
  int<lower=0> T;
  array[T] real y;
  real<lower=0> sigma1;
}
latent {
  real mu;
  real<lower=0> alpha0;
  real<lower=0, upper=1> alpha1;
  real<lower=0, upper=1> beta1_raw;
}
model {
  real beta1 = (1 - alpha1) * beta1_raw;
  target += log1m(alpha1);
  array[T] real sigma;
  sigma[1] = sigma1;
  for (t in 2:T) {
    sigma[t] = sqrt(alpha0 + alpha1 * square(y[t - 1] - mu)
                    + beta1 * square(sigma[t - 1]));
  }
  y ~ normal(mu, sigma);
}
