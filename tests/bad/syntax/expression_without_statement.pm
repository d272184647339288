// expect: 3:8: error: expected '~' or '=' after the expression
model {
  x + 1;
}
