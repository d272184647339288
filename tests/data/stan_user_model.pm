// A model written as a Stan user would, with functions and distributions that `pm check`
// accepted before the engine could run them (tests/cli/check_fit_agree.sh compiles it):
// an index array beside a scalar index, ordinal and count likelihoods, matrix functions.
data {
  int N; int J;
  array[N] int<lower=1, upper=J> county;
  vector[N] x;
  array[N] int<lower=1, upper=4> rating;
  array[N] int<lower=0> count;
  matrix[2, 2] S;
  real two_pi = 2 * pi();
}
latent {
  matrix[J, 2] ab;
  real<lower=0> phi;
  ordered[3] cut;
  real<lower=0> s;
}
model {
  to_vector(ab) ~ std_normal();
  phi ~ chi_square(3);
  s ~ scaled_inv_chi_square(4, 0.5);
  cut ~ gumbel(0, 2);
  eta = ab[county, 1] + ab[county, 2] .* x;
  rating ~ ordered_logistic(eta, cut);
  count ~ neg_binomial_2_log(eta, phi);
  target += -log_determinant(S + diag_matrix(rep_vector(s, 2))) + sum(sort_asc(eigenvalues_sym(S))) / two_pi;
  target += -0.5 * sum(square(atan2(sin(eta), cos(eta)) - eta)) - floor(s) * 0;
}
