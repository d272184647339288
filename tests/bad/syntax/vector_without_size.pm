// expect: 3:3: error: 'vector' needs one size
data {
  vector y;
}
