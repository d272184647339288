// IRT two-parameter logistic model: J persons answer I items; person j's ability theta[j],
// item i's discrimination a[i] > 0 and difficulty b[i]:
//   P(y[j, i] = 1) = inv_logit(a[i] * (theta[j] - b[i])).
// Identified as usual: theta ~ normal(0, 1) fixes the ability scale's location and spread,
// a lognormal keeps each discrimination positive (no reflection). Difficulties share a
// hierarchical normal. 100 persons x 20 items: 100 + 40 + 2 latents.
// Issue 13, class 3: fullrank VI ended far below meanfield's ELBO, k-hat ~10.
data {
  int<lower=1> J;
  int<lower=1> I;
  array[J, I] int<lower=0, upper=1> y;
}
latent {
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
  for (j in 1:J) {
    for (i in 1:I) {
      y[j, i] ~ bernoulli_logit(a[i] * (theta[j] - b[i]));
    }
  }
}
