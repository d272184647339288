// expect: 6:7: error: unknown distribution 'nrmal'; did you mean 'normal'?
data {
  real y;
}
model {
  y ~ nrmal(0, 1);
}
