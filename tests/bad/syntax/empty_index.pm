// expect: 3:9: error: expected an index
model {
  x = y[];
}
