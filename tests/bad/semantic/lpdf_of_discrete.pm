// expect: 6:13: error: 'poisson' is discrete: its log density is poisson_lpmf
data {
  int k;
}
model {
  target += poisson_lpdf(k | 3);
}
