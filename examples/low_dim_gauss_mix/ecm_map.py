"""MAP of low_dim_gauss_mix by expectation-conditional maximization (Meng & Rubin 1993),
independent of pm: the figures of README.md and tests/cli/examples.sh.

Objective (pm's `--method map`, no Jacobian): sum_n log(theta N(y_n | mu_1, s_1) +
(1 - theta) N(y_n | mu_2, s_2)) + log normal(mu_k | 0, 2) + log normal(s_k | 0, 2) +
log beta(theta | 5, 5). E-step: r_n1 = P(z_n = 1 | y_n). Conditional M-steps (derived in
README.md): theta, then each mu_k given s_k, then each s_k given mu_k. Plain Python.
"""
import json
import math
import os

y = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data.json")))["y"]
N = len(y)


def log_normal(x, mean, sd):
    return -0.5 * ((x - mean) / sd) ** 2 - math.log(sd) - 0.5 * math.log(2 * math.pi)


def log_mix(theta, mu, s, v):
    a = math.log(theta) + log_normal(v, mu[0], s[0])
    b = math.log1p(-theta) + log_normal(v, mu[1], s[1])
    top = max(a, b)
    return top + math.log(math.exp(a - top) + math.exp(b - top)), a, b


theta, mu, s = 0.5, [-1.0, 1.0], [1.0, 1.0]
for iteration in range(100000):
    r1 = []
    for v in y:
        total, a, _ = log_mix(theta, mu, s, v)
        r1.append(math.exp(a - total))
    responsibilities = [r1, [1 - r for r in r1]]
    counts = [sum(r1), N - sum(r1)]
    previous = [theta] + mu + s
    theta = (counts[0] + 4) / (N + 8)
    for k in range(2):
        r = responsibilities[k]
        mu[k] = (sum(rn * v for rn, v in zip(r, y)) / s[k] ** 2) / (counts[k] / s[k] ** 2 + 0.25)
        squares = sum(rn * (v - mu[k]) ** 2 for rn, v in zip(r, y))
        s[k] = math.sqrt(2 * (math.sqrt(counts[k] ** 2 + squares) - counts[k]))
    if max(abs(a - b) for a, b in zip(previous, [theta] + mu + s)) < 1e-13:
        break

log_density = sum(log_mix(theta, mu, s, v)[0] for v in y)
log_density += sum(log_normal(m, 0, 2) for m in mu) + sum(log_normal(sd, 0, 2) for sd in s)
log_density += 4 * math.log(theta) + 4 * math.log1p(-theta) + math.lgamma(10) - 2 * math.lgamma(5)
print(f"iterations {iteration + 1}")
print(f"mu[1] {mu[0]:.6f}  mu[2] {mu[1]:.6f}  sigma[1] {s[0]:.6f}  sigma[2] {s[1]:.6f}  theta {theta:.6f}")
print(f"log density {log_density:.6f}")
