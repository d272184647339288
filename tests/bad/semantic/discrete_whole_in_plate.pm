// expect: 13:26: error: the discrete latent 'z' is read whole inside the loop over 'i'
data {
  int<lower=1> N;
  vector[N] x;
  vector[2] mu;
}
latent {
  array[N] int<lower=1, upper=2> z;
}
model {
  z ~ categorical([0.5, 0.5]');
  for (i in 1:N) {
    x[i] ~ normal(sum(mu[z]), 1);
  }
}
