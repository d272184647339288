// expect: 3:7: error: integer literal '99999999999999999999' is too large
model {
  x = 99999999999999999999;
}
