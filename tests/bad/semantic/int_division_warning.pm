// expect: 4:14: warning: integer division rounds toward zero
data {
  int<lower=1> N;
  int half = N / 2;
}
