data {
  int N;
}
model {
  N ~ normal(0, 1)
}
