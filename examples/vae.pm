data {
  int<lower=1> N;
  int<lower=1> D;
  matrix<lower=0, upper=1>[N, D] x;
}
net decoder = mlp(8, 128, D, activation = relu, output = sigmoid);
net encoder = mlp(D, 128, 16, activation = relu);
latent {
  matrix[N, 8] z;
}
model {
  z ~ normal(0, 1);                         // p(z)
  x ~ bernoulli_probs(decoder(z));          // p_theta(x | z), pixels in [0, 1]
}
guide {
  h = encoder(x);
  z ~ normal(h[:, 1:8], softplus(h[:, 9:16]));   // q_phi(z | x), reparameterized
}
