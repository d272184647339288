// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior hmm_example-hmm_example,
// model hmm_example.stan (2-state HMM, 1 output), translated to .pm.
//
// The hidden state chain is summed out by the forward algorithm, written as a sequential
// loop of definitions: log_forward[t, k] = log p(y[1..t], state t = k)
//   = log_sum_exp_j(log_forward[t - 1, j] + log theta[j, k]) + log p(y[t] | state k)
// (Rabiner 1989, eq. 20, in log space). The loop over t is sequential (log_forward[t] reads
// log_forward[t - 1]); the loop over k is a plate. Like Stan's model there is no initial-state
// term, and theta1, theta2 have no prior statements (flat on the simplex).
// Deviations: Stan's local gamma is named log_forward; its accumulator acc[j] (reassigned
// in a loop) is the vector expression
// inside log_sum_exp. theta is built from the rows with an array literal, which, like
// Stan's theta[1] = theta1; theta[2] = theta2;, assumes K = 2. The Viterbi decoding of
// the generated block is written with definitions and ? : (K = 2, ties broken as Stan's
// strict > does: toward state 1 in back_ptr, toward the last state at t = N).
data {
  int<lower=0> N;
  int<lower=0> K;
  array[N] real y;
}
latent {
  simplex[K] theta1;
  simplex[K] theta2;
  positive_ordered[K] mu;
}
model {
  array[K] vector[K] theta = {theta1, theta2};
  // priors
  target += normal_lpdf(mu[1] | 3, 1);
  target += normal_lpdf(mu[2] | 10, 1);
  // forward algorithm
  matrix[K, K] log_theta;
  for (j in 1:K) {
    for (k in 1:K) {
      log_theta[j, k] = log(theta[j, k]);
    }
  }
  matrix[N, K] log_emission;
  for (t in 1:N) {
    for (k in 1:K) {
      log_emission[t, k] = normal_lpdf(y[t] | mu[k], 1);
    }
  }
  matrix[N, K] log_forward;
  for (k in 1:K) {
    log_forward[1, k] = log_emission[1, k];
  }
  for (t in 2:N) {
    for (k in 1:K) {
      log_forward[t, k] = log_sum_exp(log_forward[t - 1]' + log_theta[:, k]) + log_emission[t, k];
    }
  }
  target += log_sum_exp(log_forward[N]);
}
generated {
  // Viterbi: best_logp[t, k] = max over state paths ending in k at t of log p(path, y[1..t]).
  matrix[N, K] best_logp;
  array[N, K] int back_ptr;
  for (k in 1:K) {
    best_logp[1, k] = log_emission[1, k];
    back_ptr[1, k] = 0;   // no predecessor at t = 1 (never read)
  }
  for (t in 2:N) {
    for (k in 1:K) {
      best_logp[t, k] = max(best_logp[t - 1]' + log_theta[:, k]) + log_emission[t, k];
      back_ptr[t, k] = best_logp[t - 1, 2] + log_theta[2, k] > best_logp[t - 1, 1] + log_theta[1, k]
                       ? 2 : 1;
    }
  }
  real log_p_z_star = max(best_logp[N]);
  array[N] int z_star;
  z_star[N] = best_logp[N, 2] >= best_logp[N, 1] ? 2 : 1;
  for (s in 1:(N - 1)) {
    z_star[N - s] = back_ptr[N - s + 1, z_star[N - s + 1]];
  }
}
