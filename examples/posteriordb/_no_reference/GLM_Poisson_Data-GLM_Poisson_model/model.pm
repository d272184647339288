// Source: stan-dev/posteriordb (BSD 3-Clause, Copyright (c) 2011-2024 Stan Developers and their
// Assignees; see /work/shared/posteriordb/LICENSE),
// posterior GLM_Poisson_Data-GLM_Poisson_model,
// model GLM_Poisson_model.stan (Poisson regression, cubic in year), translated to .pm.
// Deviations: none; the transformed parameter log_lambda keeps its name, the generated
// lambda too. The bounded parameters have no prior statement: flat (uniform) on their
// intervals, as in Stan ("Implicit uniform priors are used").
data {
  int<lower=0> n;                 // Number of years
  array[n] int<lower=0> C;        // Count
  vector[n] year;                 // Year
}
latent {
  real<lower=-20, upper=20> alpha;
  real<lower=-10, upper=10> beta1;
  real<lower=-10, upper=10> beta2;
  real<lower=-10, upper=10> beta3;
}
model {
  vector[n] year_squared = square(year);
  vector[n] year_cubed = year_squared .* year;
  vector[n] log_lambda = alpha + beta1 * year + beta2 * year_squared + beta3 * year_cubed;
  // Likelihood
  C ~ poisson_log(log_lambda);
}
generated {
  vector[n] lambda = exp(log_lambda);
}
