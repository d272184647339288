# Reference values for tests/infer/mcmc_diagnostics_test.cpp, from the R package posterior
# (Debian's r-cran-posterior 1.4.0). Regenerate with
#   Rscript tests/infer/data/mcmc_reference.R > tests/infer/data/mcmc_reference.txt
# The draws come from a generator written with exact arithmetic only (so that R and the C++
# test produce the same doubles bit for bit): the Park-Miller LCG, u = state / (2^31 - 1),
# a normal as the Irwin-Hall sum of 12 uniforms minus 6, an AR(1) x_s = phi x_{s-1} + e_s
# per chain from x = 0. The test rebuilds each case from its row (seed, chains, draws, phi,
# shift, kind) and checks the checksum (the sum of all draws) before comparing.
suppressMessages(library(posterior))

lcg_state <- 0
next_uniform <- function() {
  lcg_state <<- (16807 * lcg_state) %% 2147483647
  lcg_state / 2147483647
}
next_normal <- function() {
  s <- 0
  for (i in 1:12) s <- s + next_uniform()
  s - 6
}

# kind: "ar" (AR(1) + shift * chain), "floor" (the AR draws as floor(2 x) / 2: ties),
# "heavy" (e / (u + 0.05): heavy tails), "constant" (2.5), "inf" (AR, draw 10 of chain 2 = Inf).
make_draws <- function(seed, chains, draws, phi, shift, kind) {
  lcg_state <<- seed
  x <- matrix(0, nrow = draws, ncol = chains)
  for (c in 1:chains) {
    prev <- 0
    for (s in 1:draws) {
      e <- next_normal()
      if (kind == "heavy") e <- e / (next_uniform() + 0.05)
      prev <- phi * prev + e
      v <- prev + shift * (c - 1)
      if (kind == "floor") v <- floor(2 * v) / 2
      if (kind == "constant") v <- 2.5
      x[s, c] <- v
    }
  }
  if (kind == "inf") x[10, 2] <- Inf
  x
}

cases <- list(
  list("iid", 11, 4, 300, 0, 0, "ar"),
  list("shifted", 12, 4, 300, 0, 0.6, "ar"),
  list("ar95", 13, 4, 400, 0.95, 0, "ar"),
  list("ar99", 14, 4, 1000, 0.99, 0, "ar"),
  list("antithetic", 15, 4, 200, -0.6, 0, "ar"),
  list("constant", 16, 4, 100, 0, 0, "constant"),
  list("one_chain_odd", 17, 1, 301, 0.5, 0, "ar"),
  list("ties", 18, 4, 300, 0.3, 0, "floor"),
  list("heavy", 19, 4, 300, 0, 0, "heavy"),
  list("short5", 20, 4, 5, 0, 0, "ar"),
  list("short7", 21, 2, 7, 0, 0, "ar"),
  list("with_inf", 22, 4, 300, 0, 0, "inf")
)

num <- function(v) if (is.na(v)) "nan" else if (is.infinite(v)) (if (v > 0) "inf" else "-inf") else sprintf("%.17g", v)
cat("# name seed chains draws phi shift kind checksum rhat ess_bulk ess_tail ess_basic mcse_mean mcse_sd mean sd q5 q50 q95\n")
for (case in cases) {
  x <- suppressWarnings(make_draws(case[[2]], case[[3]], case[[4]], case[[5]], case[[6]], case[[7]]))
  checksum <- 0
  for (v in c(x)) checksum <- checksum + v
  values <- suppressWarnings(c(rhat(x), ess_bulk(x), ess_tail(x), ess_basic(x), mcse_mean(x), mcse_sd(x),
                               mean(x), sd(c(x)), quantile(c(x), c(0.05, 0.5, 0.95), names = FALSE)))
  cat(case[[1]], case[[2]], case[[3]], case[[4]], num(case[[5]]), num(case[[6]]), case[[7]], num(checksum),
      vapply(values, num, ""), "\n")
}
