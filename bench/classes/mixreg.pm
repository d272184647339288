// A mixture of two linear regressions, y[n] = alpha[k] + beta[k] x[n] + noise with sd
// sigma[k] in component k, P(component 1) = lambda. The component is the discrete latent
// z[n], which pm sums out exactly (mixreg.stan marginalizes it by hand with log_mix).
// Identified by ordering the intercepts (alpha[1] < alpha[2]); the simulated components
// are well apart (make_data.R). Issue 13, class 2: fullrank VI landed in a minor mode
// 56 posterior sds away and said "converged".
data {
  int<lower=1> N;
  vector[N] x;
  vector[N] y;
}
latent {
  real<lower=0, upper=1> lambda;
  ordered[2] alpha;
  vector[2] beta;
  vector<lower=0>[2] sigma;
  array[N] int<lower=1, upper=2> z;
}
model {
  lambda ~ beta(2, 2);
  alpha ~ normal(0, 5);
  beta ~ normal(0, 5);
  sigma ~ normal(0, 2);
  vector[2] w = [lambda, 1 - lambda]';
  for (n in 1:N) {
    z[n] ~ categorical(w);
    y[n] ~ normal(alpha[z[n]] + beta[z[n]] * x[n], sigma[z[n]]);
  }
}
