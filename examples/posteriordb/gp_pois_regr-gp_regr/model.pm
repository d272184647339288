// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior gp_pois_regr-gp_regr,
// model gp_regr.stan (GP regression, marginal likelihood), translated to .pm.
// Deviations: Stan's gp_exp_quad_cov(x, alpha, rho) is written out elementwise,
// k(x, x') = alpha^2 exp(-(x - x')^2 / (2 rho^2)) (Stan Functions Reference, "Gaussian
// process covariance functions"), and y ~ multi_normal_cholesky(0, cholesky_decompose(cov))
// is written y ~ multi_normal(0, cov): the same density. As in Stan's model, sigma is added
// to the diagonal as a variance, not as a standard deviation. cov is a model-block
// definition and so is reported, where Stan's local is not.
data {
  int<lower=1> N;
  array[N] real x;
  vector[N] y;
}
latent {
  real<lower=0> rho;
  real<lower=0> alpha;
  real<lower=0> sigma;
}
model {
  matrix[N, N] kernel;
  for (i in 1:N) {
    for (j in 1:N) {
      kernel[i, j] = square(alpha) * exp(-square(x[i] - x[j]) / (2 * square(rho)));
    }
  }
  matrix[N, N] cov = kernel + diag_matrix(rep_vector(sigma, N));
  rho ~ gamma(25, 4);
  alpha ~ normal(0, 2);
  sigma ~ normal(0, 1);
  y ~ multi_normal(rep_vector(0, N), cov);
}
