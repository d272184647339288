// expect: 6:9: error: an index must be an int or an array of ints, got real
data {
  vector[3] v;
}
model {
  a = v[1.5];
}
