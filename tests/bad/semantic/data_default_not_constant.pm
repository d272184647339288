// expect: 3:11: error: the default of 'K' must be an expression over literals and earlier data; 'M' is declared later
data {
  int K = M + 1;
  int M;
}
