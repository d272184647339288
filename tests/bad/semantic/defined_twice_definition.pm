// expect: 7:3: error: 'm' is defined twice
data {
  real x;
}
model {
  m = x + 1;
  m = x + 2;
}
