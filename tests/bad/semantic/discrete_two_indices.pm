// expect: 12:26: error: the discrete latent 'z' is read at two indices in the loop over 'i' (z[i] and z[i - 1])
data {
  int<lower=2> N;
  vector[N] x;
}
latent {
  array[N] int<lower=1, upper=2> z;
}
model {
  for (i in 2:N) {
    z[i] ~ categorical([0.5, 0.5]');
    x[i] ~ normal(z[i] + z[i - 1], 1);
  }
}
