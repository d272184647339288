// expect: 2:22: error: unknown activation 'relux'
net f = mlp(4, 8, 2, activation = relux);
