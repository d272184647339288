// expect: 3:8: error: 'model' is a reserved word and cannot be used as a name
data {
  real model;
}
