// A hand-written variational family (the guide example of LANGUAGE.md), completed with a
// model: y[i] ~ normal(mu, tau) with a normal prior on the mean and a half-Cauchy prior on
// the scale. The guide declares its own variational parameters inline: q(mu) is a normal
// with free mean m and scale s; q(tau) is a lognormal, so its support (0, inf) matches
// tau's; its two parameters are kept unconstrained in a vector, the scale through exp.
data {
  int<lower=1> N;
  vector[N] y;
}
latent {
  real mu;
  real<lower=0> tau;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  y ~ normal(mu, tau);
}
guide {
  param real m;
  param real<lower=0> s;
  param vector[2] loc_log_tau;
  mu ~ normal(m, s);
  tau ~ lognormal(loc_log_tau[1], exp(loc_log_tau[2]));
}
