// expect: 2:30: error: expected ',' or ')' after the arguments
net decoder = mlp(8, 128, 64 activation = relu);
