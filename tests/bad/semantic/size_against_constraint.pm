// expect: 8:7: error: '.*': sizes differ, vector[K] and vector[2] (K vs 2)
data {
  int<lower=3> K;
  vector[K] a;
  vector[2] b;
}
model {
  c = a .* b;
}
