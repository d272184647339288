// expect: 6:3: error: unknown type 'matirx'
data {
  int N;
}
model {
  matirx[N, N] m = rep_matrix(0, N, N);
}
