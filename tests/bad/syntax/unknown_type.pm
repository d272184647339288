// expect: 3:3: error: unknown type 'vectr'
data {
  vectr[N] x;
}
