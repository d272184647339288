// Reverse KL (the ELBO) versus a mass-covering Renyi objective on a posterior with two modes.
// y is observed with mean mu^2, so mu and -mu explain it equally well: p(mu | y) has modes
// near +sqrt(y) and -sqrt(y), and mean 0 by symmetry.
//
//   pm fit examples/bimodal_kl.pm -d examples/bimodal_kl.json --grad-samples 50
//       the ELBO = -KL(q || p) + const is mode-seeking: q sits on ONE mode (sd ~0.3)
//   pm fit examples/bimodal_kl.pm -d examples/bimodal_kl.json --grad-samples 50 --objective renyi:0
//       the Renyi bound with alpha = 0 (the IWAE bound, K = 50) leans toward mass-covering,
//       as the forward KL(p || q) does: q spreads over both modes (sd ~2 or more)
data {
  int<lower=0> N;
  vector[N] y;
}
latent {
  real mu;
}
model {
  mu ~ normal(0, 3);
  y ~ normal(square(mu), 1);
}
