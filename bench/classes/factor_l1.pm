// The one-factor analysis of factor.pm on the same data (factor.json), identified the way
// textbooks often write it: only the FIRST loading constrained positive. That removes the
// exact reflection (f, lambda) -> (-f, -lambda) but leaves a local mode on the boundary:
// lambda1 ~ 0, the other loadings negative, psi[1] absorbing the first variable's variance.
// NUTS chains started at random land in either, so the check is that R-hat says so.
// One-factor analysis: N observations of P variables, y[n, p] = mu[p] + lambda[p] f[n] +
// noise with sd psi[p], the factor score f[n] ~ normal(0, 1) a latent per observation
// (150 of them).
data {
  int<lower=1> N;
  int<lower=2> P;
  array[N, P] real y;
}
latent {
  vector[N] f;
  vector[P] mu;
  real<lower=0> lambda1;
  vector[P - 1] lambda_rest;
  vector<lower=0>[P] psi;
}
model {
  vector[P] lambda = append_row(lambda1, lambda_rest);
  f ~ normal(0, 1);
  mu ~ normal(0, 5);
  lambda1 ~ normal(0, 2);
  lambda_rest ~ normal(0, 2);
  psi ~ normal(0, 2);
  for (n in 1:N) {
    for (p in 1:P) {
      y[n, p] ~ normal(mu[p] + lambda[p] * f[n], psi[p]);
    }
  }
}
