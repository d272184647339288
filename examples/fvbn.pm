data {
  int<lower=1> N;
  int<lower=1> D;
  array[N, D] int<lower=0, upper=1> x;
}
param {
  matrix[D, D] W;
  vector[D] b;
}
model {
  for (d in 1:D) {
    x[:, d] ~ bernoulli_logit(b[d] + to_matrix(x[:, 1:(d - 1)]) * W[d, 1:(d - 1)]');
  }
}
