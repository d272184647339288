// expect: 4:3: error: expected a declaration or '}'
data {
  int N;
  N = 3;
}
