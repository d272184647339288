// expect: 2:9: error: unknown net architecture 'cnn'; v0 has only 'mlp'
net f = cnn(4, 2);
