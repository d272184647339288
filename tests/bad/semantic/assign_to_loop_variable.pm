// expect: 7:5: error: cannot assign to loop variable 'i'
data {
  int<lower=1> N;
}
model {
  for (i in 1:N) {
    i = 2;
  }
}
