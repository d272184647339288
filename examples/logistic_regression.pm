// Bayesian logistic regression with an intercept: y[i] ~ bernoulli(inv_logit(alpha + X[i] * beta)).
// Weakly informative normal(0, 2.5) priors as in Gelman et al. (2008). The likelihood is
// written with bernoulli_logit, which works on the log-odds scale and never forms
// inv_logit(...) explicitly (stable for large |alpha + X * beta|). The generated block
// gives each datum's fitted probability and log-likelihood.
data {
  int<lower=0> N;
  int<lower=1> D;
  matrix[N, D] X;
  array[N] int<lower=0, upper=1> y;
}
latent {
  real alpha;
  vector[D] beta;
}
model {
  alpha ~ normal(0, 2.5);
  beta ~ normal(0, 2.5);
  y ~ bernoulli_logit(alpha + X * beta);
}
generated {
  vector[N] log_odds = alpha + X * beta;
  vector[N] p = inv_logit(log_odds);
  for (i in 1:N) {
    log_lik[i] = bernoulli_logit_lpmf(y[i] | log_odds[i]);
  }
}
