// expect: 6:29: error: the default of 'J' is 5, which violates upper=K (with the defaults M = 2, K = 4)
// expect: 8:26: error: the default of 'w' has w[2] = -0.5, which violates lower=0
data {
  int M = 2;
  int K = 2 * M;
  int<lower=1, upper=K> J = M * 2 + 1;
  int<lower=1> N;
  vector<lower=0>[2] w = [1, -0.5]';
  real<lower=0> ok = M / 4.0;
  int<lower=0> later = N - 1;
}
