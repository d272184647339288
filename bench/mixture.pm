// Benchmark (issue 4): the Bayesian K-component normal mixture of the peers
// (../shared/peers/stan/gmm.stan) written the pm way: the component of each datum is a
// discrete latent, which the engine sums out exactly (log_sum_exp over its K values per
// datum), where Stan's model writes that sum by hand. Same priors as the Stan model:
// dirichlet(1) on the weights, normal(0, 5) on the ordered means, half-normal(0, 2) on the
// scales. Timed by `pm diagnose --json` on the peers' gmm.json (N = 1,000) and on
// N = 1,000,000 (bench/make_bench_data.py); see bench/diagnose_models.sh.
data {
  int<lower=1> N;
  int<lower=1> K;
  vector[N] y;
}
param {
  simplex[K] w;
  ordered[K] mu;
  vector<lower=0>[K] sigma;
}
latent {
  array[N] int<lower=1, upper=K> z;
}
model {
  w ~ dirichlet(rep_vector(1.0, K));
  mu ~ normal(0, 5);
  sigma ~ normal(0, 2);
  z ~ categorical(w);
  y ~ normal(mu[z], sigma[z]);
}
