#!/usr/bin/env python3
"""Cost of a sequential loop against its length T (issue 15: it was T^2).

For T in --lengths (default 1,000, 6,000, 20,000 and 100,000), writes seeded data for
bench/sequential/ar1_latent.pm (a latent AR(1) recursion observed with noise, T + 2
unknowns), runs `pm fit --method nuts --chains 1 --warmup W --draws D --json` and prints
the process's wall time (parsing, checking, compiling: the unrolled loop's T iterations),
the sampler's seconds per gradient evaluation (its sampling and warmup clocks over its
gradient count) and the peak resident memory of the pm process. Linear in T means the
last two columns grow like T. Standard library only; needs nothing from ../shared.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pm", default=os.path.join(REPO, "build", "pm"))
    p.add_argument("--lengths", default="1000,6000,20000,100000")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--draws", type=int, default=10)
    args = p.parse_args()
    model = os.path.join(HERE, "sequential", "ar1_latent.pm")
    print(f"{'T':>8}{'wall s':>10}{'ms / gradient':>15}{'gradients':>11}{'peak MB':>10}")
    with tempfile.TemporaryDirectory() as scratch:
        for T in (int(t) for t in args.lengths.split(",")):
            rng = random.Random(20261208)
            data = os.path.join(scratch, f"ar_{T}.json")
            with open(data, "w") as out:
                json.dump({"T": T, "y": [rng.gauss(0, 1) for _ in range(T)]}, out)
            # Peak memory of this child alone: run it under a fresh python whose own
            # RUSAGE_CHILDREN then holds only pm.
            probe = ("import resource, subprocess, sys, time; t = time.time(); "
                     "d = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
                     "print(time.time() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, d.returncode); "
                     "print(d.stdout)")
            cmd = [sys.executable, "-c", probe, args.pm, "fit", model, "-d", data, "--method", "nuts", "--chains", "1",
                   "--warmup", str(args.warmup), "--draws", str(args.draws), "--seed", "1", "--json"]
            done = subprocess.run(cmd, capture_output=True, text=True)
            first, _, rest = done.stdout.partition("\n")
            wall, peak_kb, code = first.split()
            if code != "0":
                print(f"{T:>8}  pm failed (exit {code})")
                continue
            fit = json.loads(rest)
            d = fit["diagnostics"]
            per_gradient = 1e3 * (d["sampling_s"] + d["warmup_s"]) / max(1, d["gradient_evaluations"])
            print(f"{T:>8}{float(wall):>10.2f}{per_gradient:>15.3f}{d['gradient_evaluations']:>11}"
                  f"{int(peak_kb) / 1024:>10.0f}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
