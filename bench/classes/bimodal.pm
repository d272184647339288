// The mixture of regressions of mixreg.pm on the same data (mixreg.json), but WITHOUT the
// ordering constraint and with exchangeable priors: the posterior has two symmetric modes,
// the labels swapped (alpha[1] <-> alpha[2], beta, sigma, lambda <-> 1 - lambda), far
// apart. A NUTS chain stays in the mode it starts near, so chains disagree, and the check
// is that R-hat (> 1.01) and pm's warning say so; there is no reference to match.
data {
  int<lower=1> N;
  vector[N] x;
  vector[N] y;
}
latent {
  real<lower=0, upper=1> lambda;
  vector[2] alpha;
  vector[2] beta;
  vector<lower=0>[2] sigma;
  array[N] int<lower=1, upper=2> z;
}
model {
  lambda ~ beta(2, 2);
  alpha ~ normal(0, 5);
  beta ~ normal(0, 5);
  sigma ~ normal(0, 2);
  vector[2] w = [lambda, 1 - lambda]';
  for (n in 1:N) {
    z[n] ~ categorical(w);
    y[n] ~ normal(alpha[z[n]] + beta[z[n]] * x[n], sigma[z[n]]);
  }
}
