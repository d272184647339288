// expect: 3:3: error: expected '{' after the block name
data
  int N;
}
