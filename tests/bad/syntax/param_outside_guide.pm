// expect: 3:3: error: 'param' declarations belong
model {
  param real m;
}
