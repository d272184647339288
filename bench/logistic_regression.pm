// Benchmark (issue 4): Bayesian logistic regression with an intercept, written as a user
// writes it, the peers' logreg model (../shared/peers/stan/logreg.stan). Timed by
// `pm diagnose --json` on N = 100,000, D = 10 (bench/make_bench_data.py); see
// bench/diagnose_models.sh and docs/engine.md, "Benchmarks".
data {
  int<lower=0> N;
  int<lower=1> D;
  matrix[N, D] X;
  array[N] int<lower=0, upper=1> y;
}
param {
  real alpha;
  vector[D] beta;
}
model {
  alpha ~ normal(0, 2.5);
  beta ~ normal(0, 2.5);
  y ~ bernoulli_logit(X * beta + alpha);
}
