// BUGS "rats", age not centred, vague priors: the same density as rats.pm (Stan 2.21 syntax).
data {
  int<lower=1> N;
  int<lower=1> T;
  real x[T];
  real y[N, T];
}
parameters {
  vector[N] alpha;
  vector[N] beta;
  real mu_alpha;
  real mu_beta;
  real<lower=0, upper=100> sigma_y;
  real<lower=0, upper=100> sigma_alpha;
  real<lower=0, upper=100> sigma_beta;
}
model {
  mu_alpha ~ normal(0, 1000);
  mu_beta ~ normal(0, 1000);
  sigma_y ~ uniform(0, 100);
  sigma_alpha ~ uniform(0, 100);
  sigma_beta ~ uniform(0, 100);
  alpha ~ normal(mu_alpha, sigma_alpha);
  beta ~ normal(mu_beta, sigma_beta);
  for (i in 1:N)
    for (j in 1:T)
      y[i, j] ~ normal(alpha[i] + beta[i] * x[j], sigma_y);
}
