// expect: 3:19: error: expected ')'
model {
  x = (a + b * (c);
}
