// A latent AR(1) recursion, h[t] = phi h[t - 1] + sigma eps[t], observed with unit noise: a
// sequential loop of length T (bench/sequential_bench.py; issue 15 measured it at T^2).
data { int<lower=2> T; vector[T] y; }
latent {
  real<lower=-1, upper=1> phi;
  real<lower=0> sigma;
  vector[T] eps;
}
model {
  vector[T] h;
  h[1] = sigma * eps[1];
  for (t in 2:T) {
    h[t] = phi * h[t - 1] + sigma * eps[t];
  }
  phi ~ uniform(-1, 1);
  sigma ~ normal(0, 1);
  eps ~ std_normal();
  y ~ normal(h, 1);
}
