data {
  int<lower=1> N;
  int<lower=1> K = 2;
  vector[N] x;
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
  for (i in 1:N) {
    z[i] ~ categorical(w);
    x[i] ~ normal(mu[z[i]], sigma[z[i]]);
  }
}
