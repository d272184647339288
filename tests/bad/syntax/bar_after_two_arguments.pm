// expect: 3:13: error: exactly one argument comes before '|'
model {
  target += normal_lpdf(y, z | 0, 1);
}
