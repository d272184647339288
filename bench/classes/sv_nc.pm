// Stochastic volatility, non-centred (Stan User's Guide, "Stochastic volatility models"):
// the log volatility h is an AR(1) around mu with persistence phi and innovation sd sigma,
// written through standardized innovations h_std ~ normal(0, 1), so the sampler never sees
// the funnel between sigma and h. h is a recurrence: a sequential loop. T = 200 simulated.
// Issue 13, class 4 (there centred): fullrank VI collapsed a scale to 0.00026 and exited 0.
data {
  int<lower=1> T;
  vector[T] y;
}
latent {
  real mu;
  real<lower=-1, upper=1> phi;
  real<lower=0> sigma;
  vector[T] h_std;
}
model {
  vector[T] h;
  h[1] = mu + sigma * h_std[1] / sqrt(1 - phi * phi);
  for (t in 2:T) {
    h[t] = mu + phi * (h[t - 1] - mu) + sigma * h_std[t];
  }
  phi ~ uniform(-1, 1);
  sigma ~ cauchy(0, 5);
  mu ~ cauchy(0, 10);
  h_std ~ std_normal();
  y ~ normal(0, exp(h / 2));
}
