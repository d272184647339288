// expect: 6:3: error: the definitions form a cycle: 'a' reads 'b', 'b' reads 'c', 'c' reads 'a'
data {
  real y;
}
model {
  a = b + 1;
  b = c * 2;
  c = a - y;
  y ~ normal(c, 1);
}
