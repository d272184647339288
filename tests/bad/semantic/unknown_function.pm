// expect: 6:7: error: unknown function 'lgo'; did you mean 'log'?
data {
  real x;
}
model {
  y = lgo(x);
}
