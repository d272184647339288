// vae.pm with a 2-D latent, for pictures of the latent space: `pm encode --png` places
// each digit at its posterior mean, coloured by label, and `pm sample --png` decodes a
// 2-D latent. The nets and the likelihood are vae.pm's.
data {
  int<lower=1> N;
  int<lower=1> D;
  matrix<lower=0, upper=1>[N, D] x;
}
net decoder = mlp(2, 128, D, activation = relu, output = sigmoid);
net encoder = mlp(D, 128, 4, activation = relu);
latent {
  matrix[N, 2] z;
}
model {
  z ~ normal(0, 1);                         // p(z)
  x ~ bernoulli_probs(decoder(z));          // p_theta(x | z), pixels in [0, 1]
}
guide {
  h = encoder(x);
  z ~ normal(h[:, 1:2], softplus(h[:, 3:4]));    // q_phi(z | x), reparameterized
}
