// BUGS "rats" (Gelfand et al. 1990; WinBUGS examples vol. 1): 30 young rats weighed weekly
// at ages 8, 15, 22, 29, 36 days. A growth line per rat, its intercept and slope drawn from
// population normals. Deliberately as a new user writes it: the age NOT centred (so each
// rat's intercept and slope are strongly correlated a posteriori) and vague priors,
// BUGS's dnorm(0, 1e-6) on the means and uniform(0, 100) on the sds.
// Issue 13, class 1: meanfield VI left mu_alpha at 10.5 where the posterior is near 106.
data {
  int<lower=1> N;
  int<lower=1> T;
  array[T] real x;
  array[N, T] real y;
}
latent {
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
  for (i in 1:N) {
    for (j in 1:T) {
      y[i, j] ~ normal(alpha[i] + beta[i] * x[j], sigma_y);
    }
  }
}
