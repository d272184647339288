// expect: 7:7: error: undefined name 'alpah'
// expect: 8:11: error: undefined name 'bta'
data {
  real x;
}
model {
  a = alpah + 1;
  b = x * bta;
}
