// expect: 3:30: error: expected ':' in the conditional expression
model {
  y ~ bernoulli(d == 1 ? 0.95);
}
