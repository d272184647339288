data {
  int<lower=0, upper=1> positive;
}
latent {
  int<lower=0, upper=1> disease;
}
model {
  disease ~ bernoulli(0.01);
  positive ~ bernoulli(disease == 1 ? 0.95 : 0.05);
}
