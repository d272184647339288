// IRT 2PL of irt2pl.pm (Stan 2.21 syntax).
data {
  int<lower=1> J;
  int<lower=1> I;
  int<lower=0, upper=1> y[J, I];
}
parameters {
  vector[J] theta;
  vector<lower=0>[I] a;
  vector[I] b;
  real mu_b;
  real<lower=0> sigma_b;
}
model {
  theta ~ normal(0, 1);
  a ~ lognormal(0, 0.5);
  mu_b ~ normal(0, 5);
  sigma_b ~ cauchy(0, 5);
  b ~ normal(mu_b, sigma_b);
  for (j in 1:J)
    for (i in 1:I)
      y[j, i] ~ bernoulli_logit(a[i] * (theta[j] - b[i]));
}
