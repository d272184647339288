// One-factor analysis: N observations of P variables, y[n, p] = mu[p] + lambda[p] f[n] +
// noise with sd psi[p], the factor score f[n] ~ normal(0, 1) a latent per observation
// (150 of them). Identified: the unit variance of f fixes the scale, positive loadings the
// sign (every variable measures the same factor in the same direction, as test scores do;
// the simulated loadings are 0.6-1.1). A positive FIRST loading alone is not enough in
// practice: factor_l1.pm, whose chains find a second mode (see there).
// Issue 13, class 3: fullrank VI ended far below meanfield's ELBO, k-hat ~10.
data {
  int<lower=1> N;
  int<lower=2> P;
  array[N, P] real y;
}
latent {
  vector[N] f;
  vector[P] mu;
  vector<lower=0>[P] lambda;
  vector<lower=0>[P] psi;
}
model {
  f ~ normal(0, 1);
  mu ~ normal(0, 5);
  lambda ~ normal(0, 2);
  psi ~ normal(0, 2);
  for (n in 1:N) {
    for (p in 1:P) {
      y[n, p] ~ normal(mu[p] + lambda[p] * f[n], psi[p]);
    }
  }
}
