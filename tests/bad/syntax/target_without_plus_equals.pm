// expect: 3:10: error: expected '+=' after 'target'
model {
  target = normal_lpdf(y | 0, 1);
}
