// expect: 7:7: error: '*': inner sizes differ, matrix[5, 3] * vector[4] (3 vs 4)
data {
  matrix[5, 3] X;
  vector[4] b;
}
model {
  m = X * b;
}
