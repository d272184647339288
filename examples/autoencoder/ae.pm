// A deterministic autoencoder: the encoder maps each image to a code z (no latent, no
// guide), the decoder maps the code back, and the reconstruction error is a Gaussian
// likelihood with a learned scale sigma, so maximum likelihood minimizes the mean squared
// error and sigma^2 converges to it.
data {
  int<lower=1> N;
  int<lower=1> D;
  matrix<lower=0, upper=1>[N, D] x;
}
net encoder = mlp(D, 32, 8, activation = tanh);
net decoder = mlp(8, 32, D, activation = tanh, output = sigmoid);
param {
  real<lower=0> sigma;
}
model {
  z = encoder(x);
  x ~ normal(decoder(z), sigma);
}
