// expect: 6:11: error: 'k' is declared int, but the value assigned is real
data {
  real y;
}
model {
  int k = y * 2;
}
