// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior bball_drive_event_1-hmm_drive_1,
// model hmm_drive_1.stan (2-state HMM, normal emissions with known sds for two streams),
// translated to .pm.
//
// The hidden state chain is summed out by the forward algorithm, written as a sequential
// loop of definitions: log_forward[t, k] = log p(u[1..t], v[1..t], state t = k)
//   = log_sum_exp_j(log_forward[t - 1, j] + log theta[j, k]) + log p(u[t], v[t] | state k)
// (Rabiner 1989, eq. 20, in log space); t is sequential, k a plate. No initial-state term,
// as in Stan's model.
// Deviations: Stan's local gamma is named log_forward; its accumulator acc[j] is the
// vector expression inside log_sum_exp;
// theta is built from its rows with an array literal (K = 2, as Stan's
// theta[1] = theta1; theta[2] = theta2;). The generated block (Viterbi decoding) is
// left out: it does not change the posterior, and Stan's version initializes only
// best_logp[1, K] (a typo for best_logp[1, k]), so its output is not well defined.
data {
  int<lower=1> K;                 // number of states (1 = none, 2 = drive)
  int<lower=1> N;                 // length of process
  array[N] real u;                // 1/speed
  array[N] real v;                // hoop distance
  matrix<lower=0>[K, K] alpha;    // transit prior
  real<lower=0> tau;              // sd u
  real<lower=0> rho;              // sd v
}
latent {
  simplex[K] theta1;
  simplex[K] theta2;
  // enforce an ordering: phi[1] <= phi[2]
  ordered[K] phi;       // emission parameter for 1/speed
  ordered[K] lambda;    // emission parameter for hoop dist
}
model {
  array[K] vector[K] theta = {theta1, theta2};   // transit probs
  // priors
  for (k in 1:K) {
    target += dirichlet_lpdf(theta[k] | alpha[k, :]');
  }
  target += normal_lpdf(phi[1] | 0, 1);
  target += normal_lpdf(phi[2] | 3, 1);
  target += normal_lpdf(lambda[1] | 0, 1);
  target += normal_lpdf(lambda[2] | 3, 1);
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
      log_emission[t, k] = normal_lpdf(u[t] | phi[k], tau) + normal_lpdf(v[t] | lambda[k], rho);
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
