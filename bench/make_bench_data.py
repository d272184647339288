#!/usr/bin/env python3
"""Seeded data sets for bench/diagnose_models.sh, with the Python standard library only.

Writes into the directory given (default: the current one), CmdStan JSON layout:
  logreg.json      N = 100,000, D = 10: the generating model of the peers' logreg set
                   (../shared/peers/gen/gen_data.py, gen_logreg: alpha = -0.3, the same beta,
                   X standard normal rounded to 4 decimals, y ~ bernoulli(inv_logit(eta))),
                   drawn with Python's own generator (seed 104), so the values differ from
                   the peers' numpy stream but the model, sizes and distribution are the same.
  gmm_1e6.json     N = 1,000,000, K = 3: the generating model of the peers' gmm set
                   (gen_gmm: w = (0.3, 0.5, 0.2), mu = (-2, 0, 3), sd = (0.5, 1, 0.7)), seed 103.
The timings do not depend on the values beyond their distribution.
"""
import math
import os
import random
import sys


def number(value):
    return repr(float("%.4f" % value))  # rounded to 4 decimals, as the peers' generator


def write_logreg(path, n=100000, d=10, seed=104):
    rng = random.Random(seed)
    alpha = -0.3
    beta = [1.0, -0.5, 0.25, 0.0, 2.0, -1.5, 0.75, 0.0, -0.25, 0.5]
    rows, outcomes = [], []
    for _ in range(n):
        x = [float("%.4f" % rng.gauss(0.0, 1.0)) for _ in range(d)]
        eta = alpha + sum(a * b for a, b in zip(x, beta))
        outcomes.append(1 if rng.random() < 1.0 / (1.0 + math.exp(-eta)) else 0)
        rows.append("[" + ",".join(repr(v) for v in x) + "]")
    with open(path, "w") as f:
        f.write('{"N":%d,"D":%d,"X":[' % (n, d))
        f.write(",".join(rows))
        f.write('],"y":[' + ",".join(str(v) for v in outcomes) + "]}\n")


def write_gmm(path, n=1000000, seed=103):
    rng = random.Random(seed)
    weights, means, sds = [0.3, 0.5, 0.2], [-2.0, 0.0, 3.0], [0.5, 1.0, 0.7]
    components = rng.choices(range(3), weights=weights, k=n)
    values = (number(means[c] + sds[c] * rng.gauss(0.0, 1.0)) for c in components)
    with open(path, "w") as f:
        f.write('{"N":%d,"K":3,"y":[' % n)
        f.write(",".join(values))
        f.write("]}\n")


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(directory, exist_ok=True)
    for name, writer in (("logreg.json", write_logreg), ("gmm_1e6.json", write_gmm)):
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            writer(path + ".part")
            os.replace(path + ".part", path)  # never leave a half-written file under the real name
            print("wrote", path, file=sys.stderr)


if __name__ == "__main__":
    main()
