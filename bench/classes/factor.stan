// One-factor analysis of factor.pm (Stan 2.21 syntax), loadings positive.
data {
  int<lower=1> N;
  int<lower=2> P;
  real y[N, P];
}
parameters {
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
  for (n in 1:N)
    for (p in 1:P)
      y[n, p] ~ normal(mu[p] + lambda[p] * f[n], psi[p]);
}
