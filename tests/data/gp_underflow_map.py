#!/usr/bin/env python3
"""The MAP (no Jacobian, as pm fit --method map) of tests/data/gp_underflow.pm, computed
independently of pm: the log density written out with numpy, its gradient by complex-step
differentiation (exact to rounding: Squire & Trapp 1998), the Hessian by central differences
of that gradient, scipy's BFGS from 40 random starts, then Newton steps at the best until the
gradient is below 1e-10. The positive latents are optimized through their logs (the mode of a
density without its Jacobian does not depend on the parametrization). Prints the mode as JSON;
tests/cli/init.sh carries its output.

    apt-get install python3-scipy && python3 tests/data/gp_underflow_map.py tests/data/gp_underflow.json
"""
import json
import math
import sys

import numpy as np
from scipy.optimize import minimize

data = json.load(open(sys.argv[1]))
y = np.array(data["y"])
PHI = np.array(data["PHI"])
slambda = np.array(data["slambda"])
M = len(slambda)


def student_t(x, nu, mu, s):
    return (math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi) - math.log(s)
            - (nu + 1) / 2 * np.log(1 + ((x - mu) / s) ** 2 / nu))


def normal(x, mu, s):
    return -0.5 * math.log(2 * math.pi) - np.log(s) - 0.5 * ((x - mu) / s) ** 2


def inv_gamma(x, a, b):
    return a * math.log(b) - math.lgamma(a) - (a + 1) * np.log(x) - b / x


def unpack(v):
    return v[0], np.exp(v[1]), np.exp(v[2]), np.exp(v[3]), v[4:]


def log_density(v):
    intercept, sdgp, lscale, sigma, z = unpack(v)
    # sqrt(spd) written as sqrt(c) exp(-l^2 lambda^2 / 4): the same value, no underflow to 0.
    root_spd = sdgp * np.sqrt(2.5066282746310002 * lscale) * np.exp(-0.25 * lscale ** 2 * slambda ** 2)
    gp = PHI @ (root_spd * z)
    return (np.sum(normal(y, intercept + gp, sigma)) + student_t(intercept, 3, 0, 2.5) + student_t(sdgp, 3, 0, 2.5)
            + inv_gamma(lscale, 2.5, 0.5) + student_t(sigma, 3, 0, 2.5) + np.sum(normal(z, 0, 1)))


def gradient(v):
    g = np.zeros(len(v))
    for i in range(len(v)):
        e = np.array(v, dtype=complex)
        e[i] += 1e-30j
        g[i] = log_density(e).imag / 1e-30
    return g


def hessian(v, h=1e-5):
    n = len(v)
    H = np.zeros((n, n))
    for i in range(n):
        step = np.zeros(n)
        step[i] = h
        H[:, i] = (gradient(v + step) - gradient(v - step)) / (2 * h)
    return 0.5 * (H + H.T)


rng = np.random.default_rng(1)
best = None
for start in range(40):
    v0 = rng.uniform(-2, 2, 4 + M)
    run = minimize(lambda v: -log_density(v).real, v0, jac=lambda v: -gradient(v), method="BFGS",
                   options={"gtol": 1e-9, "maxiter": 10000})
    if best is None or -run.fun > log_density(best).real:
        best = run.x
v = best
for _ in range(50):
    g = gradient(v)
    if np.max(np.abs(g)) < 1e-10:
        break
    v = v - np.linalg.solve(hessian(v), g)
intercept, sdgp, lscale, sigma, z = unpack(v)
out = {"Intercept": intercept, "sdgp": sdgp, "lscale": lscale, "sigma": sigma}
out.update({f"zgp[{k + 1}]": z[k] for k in range(M)})
out = {k: float(val.real) for k, val in out.items()}
out["log_density"] = float(log_density(v).real)
out["gradient_max"] = float(np.max(np.abs(gradient(v))))
print(json.dumps(out, indent=1))
