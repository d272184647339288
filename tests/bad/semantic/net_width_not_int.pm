// expect: 5:16: error: a net width must be an int, got real
data {
  real w;
}
net f = mlp(4, w, 2);
