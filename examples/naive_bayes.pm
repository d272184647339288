// Naive Bayes as a generative classifier with unobserved classes (a latent class model,
// or mixture of Bernoullis): each item i has a class z[i] in 1..K drawn from the class
// weights, and given its class its D binary features are independent Bernoulli draws.
//
//   p(x[i]) = sum_k class_weights[k] * prod_d q[k, d]^x[i, d] * (1 - q[k, d])^(1 - x[i, d]),
//   q = feature_prob,
//
// z is summed out exactly (the sum over k above), so the point parameters are fitted by
// MAP (EM's fixed point, with the beta(2, 2) prior keeping probabilities off 0 and 1), and
// the reported posterior of z[i] is the classifier's answer P(class k | x[i]) by Bayes rule.
data {
  int<lower=1> N;
  int<lower=1> D;
  int<lower=1> K = 2;
  array[N, D] int<lower=0, upper=1> x;
}
param {
  simplex[K] class_weights;
  matrix<lower=0, upper=1>[K, D] feature_prob;
}
latent {
  array[N] int<lower=1, upper=K> z;
}
model {
  feature_prob ~ beta(2, 2);
  for (i in 1:N) {
    z[i] ~ categorical(class_weights);
    x[i] ~ bernoulli(feature_prob[z[i]]);    // D conditionally independent features
  }
}
