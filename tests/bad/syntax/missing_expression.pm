// expect: 3:7: error: expected an expression
model {
  x = ;
}
