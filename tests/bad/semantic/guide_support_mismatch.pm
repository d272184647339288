// expect: 11:9: error: the guide draws 'tau' from normal, whose support is the real line, but 'tau' is declared real<lower=0>
latent {
  real<lower=0> tau;
}
model {
  tau ~ cauchy(0, 5);
}
guide {
  param real m;
  param real<lower=0> s;
  tau ~ normal(m, s);
}
