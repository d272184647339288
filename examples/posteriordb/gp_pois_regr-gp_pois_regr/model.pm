// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior gp_pois_regr-gp_pois_regr,
// model gp_pois_regr.stan (latent GP, Poisson likelihood), translated to .pm.
// Deviations: Stan's gp_exp_quad_cov(x, alpha, rho) is written out elementwise,
// k(x, x') = alpha^2 exp(-(x - x')^2 / (2 rho^2)), plus 1e-10 on the diagonal as in Stan.
// The transformed parameter f = L_cov * f_tilde keeps its name (the reference is on f).
// It needs cholesky_decompose, which is not in LANGUAGE.md's minimal function list.
data {
  int<lower=1> N;
  array[N] real x;
  array[N] int k;
}
latent {
  real<lower=0> rho;
  real<lower=0> alpha;
  vector[N] f_tilde;
}
model {
  matrix[N, N] kernel;
  for (i in 1:N) {
    for (j in 1:N) {
      kernel[i, j] = square(alpha) * exp(-square(x[i] - x[j]) / (2 * square(rho)));
    }
  }
  matrix[N, N] L_cov = cholesky_decompose(kernel + diag_matrix(rep_vector(1e-10, N)));
  vector[N] f = L_cov * f_tilde;
  rho ~ gamma(25, 4);
  alpha ~ normal(0, 2);
  f_tilde ~ normal(0, 1);
  k ~ poisson_log(f);
}
