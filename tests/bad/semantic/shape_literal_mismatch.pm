// expect: 7:7: error: '+': sizes differ, vector[3] and vector[4] (3 vs 4)
data {
  vector[3] a;
  vector[4] b;
}
model {
  c = a + b;
}
