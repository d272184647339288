// An approximate Gaussian process with the structure of posteriordb's mcycle_gp (brms's
// gp(x, k = M, c = 5/4): a Hilbert-space basis PHI, the spectral density of the squared
// exponential kernel written out): spd underflows to 0 inside the sqrt where lscale * slambda
// is large (lscale above about 1.5 for the last basis function), so that at about 4 starts in
// 10 the chain rule meets sqrt's infinite derivative at 0 behind exp's zero (issue 20).
data {
  int N;
  int M;
  vector[N] y;
  matrix[N, M] PHI;
  vector[M] slambda;
}
latent {
  real Intercept;
  real<lower=0> sdgp;
  real<lower=0> lscale;
  real<lower=0> sigma;
  vector[M] zgp;
}
model {
  spd = square(sdgp) * 2.5066282746310002 * lscale * exp(-0.5 * square(lscale) * square(slambda));
  gp = PHI * (sqrt(spd) .* zgp);
  y ~ normal(Intercept + gp, sigma);
  Intercept ~ student_t(3, 0, 2.5);
  sdgp ~ student_t(3, 0, 2.5);
  lscale ~ inv_gamma(2.5, 0.5);
  sigma ~ student_t(3, 0, 2.5);
  zgp ~ normal(0, 1);
}
