// Eight schools, centered parameterization (Rubin 1981; Gelman et al., BDA3 section 5.5).
// theta[j] is drawn directly from the population distribution normal(mu, tau). The
// posterior has a funnel between tau and theta, hard for NUTS and for mean-field VI;
// eight_schools.pm writes the same model non-centered.
data {
  int<lower=0> J;
  vector[J] y;                 // estimated treatment effects
  vector<lower=0>[J] sigma;    // their standard errors
}
latent {
  real mu;
  real<lower=0> tau;
  vector[J] theta;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);          // half-Cauchy through the lower bound
  theta ~ normal(mu, tau);
  y ~ normal(theta, sigma);
}
