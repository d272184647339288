// expect: 6:12: error: too many indices for vector[3]
data {
  vector[3] v;
}
model {
  a = v[1, 2];
}
