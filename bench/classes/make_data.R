# The data of the model-class suite (bench/classes/*.json), seeded: run from bench/classes/ as
#   Rscript make_data.R
# rats is the real BUGS data (WinBUGS examples vol. 1, "Rats"; also in stan-dev/example-models,
# bugs_examples/vol1/rats); the others are simulated from the model with known values.
library(jsonlite)
out <- function(x, file) write_json(x, file, auto_unbox = TRUE, digits = 6, pretty = FALSE)

# rats: 30 rats x weights at 5 ages (days), age not centred
rats_y <- matrix(c(
  151, 199, 246, 283, 320,  145, 199, 249, 293, 354,  147, 214, 263, 312, 328,
  155, 200, 237, 272, 297,  135, 188, 230, 280, 323,  159, 210, 252, 298, 331,
  141, 189, 231, 275, 305,  159, 201, 248, 297, 338,  177, 236, 285, 350, 376,
  134, 182, 220, 260, 296,  160, 208, 261, 313, 352,  143, 188, 220, 273, 314,
  154, 200, 244, 289, 325,  171, 221, 270, 326, 358,  163, 216, 242, 281, 312,
  160, 207, 248, 288, 324,  142, 187, 234, 280, 316,  156, 203, 243, 283, 317,
  157, 212, 259, 307, 336,  152, 203, 246, 286, 321,  154, 205, 253, 298, 334,
  139, 190, 225, 267, 302,  146, 191, 229, 272, 302,  157, 211, 250, 285, 323,
  132, 185, 237, 286, 331,  160, 207, 257, 303, 345,  169, 216, 261, 295, 333,
  157, 205, 248, 289, 316,  137, 180, 219, 258, 291,  153, 200, 244, 286, 324),
  nrow = 30, byrow = TRUE)
out(list(N = 30, T = 5, x = c(8, 15, 22, 29, 36), y = rats_y), "rats.json")

# mixreg (and bimodal, the same data): two regression lines, 40% / 60%
set.seed(20261201)
N <- 200
x <- rnorm(N)
z <- ifelse(runif(N) < 0.4, 1, 2)
alpha <- c(-1, 2); beta <- c(1.5, -1); sigma <- c(0.5, 0.7)
y <- alpha[z] + beta[z] * x + rnorm(N, 0, sigma[z])
out(list(N = N, x = x, y = y), "mixreg.json")

# irt2pl: 100 persons x 20 items
set.seed(20261202)
J <- 100; I <- 20
theta <- rnorm(J); a <- rlnorm(I, 0, 0.4); b <- rnorm(I, 0, 1)
p <- plogis(outer(theta, b, "-") * matrix(a, J, I, byrow = TRUE))
yb <- matrix(rbinom(J * I, 1, p), J, I)
out(list(J = J, I = I, y = yb), "irt2pl.json")

# factor: 150 observations of 6 variables, one factor
set.seed(20261203)
N <- 150; P <- 6
mu <- c(1, -0.5, 2, 0, 0.5, -1)
lambda <- c(0.9, 0.8, 1.1, 0.7, 0.6, 1.0)
psi <- c(0.5, 0.6, 0.4, 0.7, 0.8, 0.5)
f <- rnorm(N)
yf <- matrix(mu, N, P, byrow = TRUE) + outer(f, lambda) + matrix(rnorm(N * P), N, P) %*% diag(psi)
out(list(N = N, P = P, y = yf), "factor.json")

# sv_nc: 200 returns with AR(1) log volatility
set.seed(20261204)
T <- 200; mu <- -1; phi <- 0.9; sigma <- 0.3
h <- numeric(T)
h[1] <- mu + sigma / sqrt(1 - phi^2) * rnorm(1)
for (t in 2:T) h[t] <- mu + phi * (h[t - 1] - mu) + sigma * rnorm(1)
out(list(T = T, y = exp(h / 2) * rnorm(T)), "sv_nc.json")
