// expect: 7:7: error: 'N__' ends in '__'
// expect: 10:8: error: 'a__' ends in '__'
// expect: 13:8: error: 'lp__' ends in '__'
// expect: 18:8: error: 'i__' ends in '__'
// Stan reserves names ending in "__" for the draws file's own columns (lp__, ...).
data {
  int N__;
}
latent {
  real a__;
}
param {
  real lp__;
}
model {
  lp__ ~ normal(0, 1);
  a__ ~ normal(lp__, 1);
  for (i__ in 1:N__) {
    target += -0.5 * a__ * a__;
  }
}
