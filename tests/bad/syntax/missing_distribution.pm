// expect: 3:7: error: expected a distribution name after '~'
model {
  x ~ (0, 1);
}
