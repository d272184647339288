// expect: 8:15: error: net 'decoder' has 8 inputs, but x is matrix[N, 9] (9 columns)
data {
  int<lower=1> N;
  matrix[N, 9] x;
}
net decoder = mlp(8, 16, 4);
model {
  h = decoder(x);
}
