// expect: 3:3: error: 'matrix' needs two sizes
param {
  matrix[3] W;
}
