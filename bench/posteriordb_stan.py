"""Stan's side of bench/posteriordb_accuracy.py: posteriordb's data and models made readable
by Debian's rstan (Stan 2.21), and the call of bench/stan_advi.R, which runs rstan's vb()."""
import json
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def rdump_value(value):
    """One Stan-JSON value in R's dump format (column-major with .Dim for arrays)."""
    def shape(v):
        return [len(v)] + shape(v[0]) if isinstance(v, list) and v else ([0] if v == [] else [])

    def flatten_column_major(v, dims):
        if not dims:
            return [v]
        # the first index varies fastest: walk the last index outermost
        cells = []
        def walk(index):
            if len(index) == len(dims):
                item = v
                for i in index:
                    item = item[i]
                cells.append(item)
                return
            for i in range(dims[len(dims) - 1 - len(index)]):
                walk([i] + index)
        walk([])
        return cells

    def number(x):
        if isinstance(x, bool):
            return "1" if x else "0"
        if isinstance(x, int):
            return str(x)
        if math.isinf(x):
            return "Inf" if x > 0 else "-Inf"
        return repr(float(x))

    dims = shape(value)
    if not dims:
        return number(value)
    if 0 in dims:
        return "double(0)"
    cells = ", ".join(number(x) for x in flatten_column_major(value, dims))
    return f"structure(c({cells}), .Dim = c({', '.join(map(str, dims))}))"


def write_rdump(json_path, rdump_path):
    with open(json_path) as f:
        data = json.load(f)
    with open(rdump_path, "w") as f:
        for name, value in data.items():
            f.write(f"{name} <- {rdump_value(value)}\n")


# `array[N, K] real<lower=0> x` (Stan >= 2.26) -> `real<lower=0> x[N, K]` (Debian's rstan is
# Stan 2.21, which knows only the old array syntax). The element type may carry bounds and
# its own size (`array[K] simplex[K] theta`).
NEW_ARRAY_DECLARATION = re.compile(
    r"array\[(?P<dims>[^\]]+)\]\s+(?P<type>\w+(?:<[^>]*>)?(?:\[[^\]]*\])?)\s+(?P<name>\w+)")


def stan_221_source(source):
    return NEW_ARRAY_DECLARATION.sub(lambda m: f"{m['type']} {m['name']}[{m['dims']}]", source)


def rstan_available():
    try:
        return subprocess.run(["Rscript", "-e", "suppressMessages(library(rstan))"],
                              capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def run_stan(args, posteriors, extra_tols):
    os.makedirs(args.stan_cache, exist_ok=True)
    for name, _, pdir in posteriors:
        with open(os.path.join(pdir, "model.stan")) as f:
            source = stan_221_source(f.read())
        with open(os.path.join(args.stan_cache, name + ".stan"), "w") as f:
            f.write(source)
        write_rdump(os.path.join(pdir, "data.json"),
                    os.path.join(args.stan_cache, name + ".data.R"))
    out = os.path.join(args.stan_cache, "results.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = ["Rscript", os.path.join(HERE, "stan_advi.R"), "--posteriordb", args.posteriordb,
           "--cache", args.stan_cache, "--out", out, "--guides", args.guides,
           "--seed", str(args.seed), "--iter", str(args.iter),
           "--tol-rel-obj", ",".join([str(args.tol_rel_obj)] + extra_tols)]
    cmd += [n for n, _, _ in posteriors]
    print(f"running Stan's ADVI on {len(posteriors)} posteriors (compiling the uncached ones)",
          file=sys.stderr)
    done = subprocess.run(cmd, text=True)
    if done.returncode != 0 or not os.path.exists(out):
        print("Stan's ADVI failed; no Stan columns", file=sys.stderr)
        return {}
    with open(out) as f:
        return json.load(f)
