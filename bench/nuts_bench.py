#!/usr/bin/env python3
"""NUTS speed against Stan's, in the same run: minimum bulk ESS per second.

For each model (coin, eight schools non-centred, logistic regression N = 1e5, the K = 3
mixture with its component summed out by pm and by hand in Stan, radon), pm runs
`fit --method nuts --threads 1` (4 chains x (1000 warmup + 1000 draws)) and, where rstan
and posterior load, rstan's sampling() with the same chains, warmup, draws and one core
(bench/nuts_stan.R; each Stan model is compiled once into --stan-cache). Printed per model:
the minimum bulk ESS over the parameters, the chains' sampling seconds and warmup+sampling
seconds (summed over chains; the fastest of --repeat runs of each system, alternating), ESS per sampling second and per total second, and pm's ratio
to Stan on both. Without rstan, Stan's columns are blank (its figures recorded in
../shared/peers/results/SUMMARY.md are on another run and are not compared).
Standard library only. Skips cleanly when ../shared/peers is absent.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEERS = os.path.normpath(os.path.join(REPO, "..", "shared", "peers"))

# name: (pm model, data file (peers' data/, or made by make_bench_data.py), Stan program)
MODELS = {
    "coin": ("examples/coin.pm", "coin.json", "coin.stan"),
    # the same program as Stan's (examples/eight_schools_noncentered.pm adds a generated block)
    "eight_schools_nc": ("tests/data/eight_schools_nc.pm", "eight_schools.json", "eight_schools_nc.stan"),
    "logreg": ("bench/logistic_regression.pm", "@logreg.json", "logreg.stan"),
    "gmm": ("bench/mixture.pm", "gmm.json", "gmm.stan"),
    "radon": ("tests/data/radon.pm", "radon.json", "radon.stan"),
}


def rstan_available():
    try:
        done = subprocess.run(["Rscript", "-e", "quit(status = !all(sapply(c('rstan', 'posterior', 'jsonlite'), "
                               "requireNamespace, quietly = TRUE)))"], capture_output=True, timeout=120)
        return done.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def min_ess(summary):
    return min(v["ess_bulk"] for k, v in summary.items() if k != "lp__" and v.get("ess_bulk") is not None)


def keep_fastest(row, system, figures):
    """Keeps the smallest sampling and total seconds over repeats (ESS is the same: one seed)."""
    if system not in row:
        row[system] = figures
        return
    ess, sample, total, div = row[system]
    row[system] = (ess, min(sample, figures[1]), min(total, figures[2]), div)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pm", default=os.path.join(REPO, "build", "pm"))
    p.add_argument("--only", default="")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-stan", action="store_true")
    p.add_argument("--repeat", type=int, default=3, help="runs per system; the fastest clocks are kept")
    p.add_argument("--stan-cache", default=os.path.join(REPO, "build", "stan_cache"))
    p.add_argument("--work-dir", default=os.path.join(REPO, "build", "bench_data"))
    args = p.parse_args()
    if not os.path.isdir(PEERS):
        print(f"nuts_bench: skipped: {PEERS} is absent")
        return 0
    stan = not args.no_stan and rstan_available()
    names = [n for n in MODELS if not args.only or n in args.only.split(",")]
    if any(MODELS[n][1].startswith("@") for n in names):
        subprocess.run([sys.executable, os.path.join(HERE, "make_bench_data.py"), args.work_dir], check=True)
    print(f"{'model':<18}{'system':>7}{'min ESS':>9}{'sample s':>10}{'total s':>9}{'ESS/s':>10}{'ESS/s tot':>10}"
          f"{'div':>5}{'pm/Stan':>9}{'(total)':>9}")
    for name in names:
        model, data, stan_file = MODELS[name]
        data = os.path.join(args.work_dir, data[1:]) if data.startswith("@") else os.path.join(PEERS, "data", data)
        row = {}
        # Each system --repeat times, alternating, with the same seed (the same draws and ESS):
        # the fastest run's clocks, so a busy moment of the machine does not decide a ratio.
        for _ in range(args.repeat):
            done = subprocess.run([args.pm, "fit", os.path.join(REPO, model), "-d", data, "--method", "nuts", "--json",
                                   "--seed", str(args.seed), "--threads", "1"], capture_output=True, text=True)
            if done.returncode != 0:
                print(f"{name:<18}{'pm':>7}  error: {done.stderr.strip().splitlines()[-1][:80]}")
                break
            fit = json.loads(done.stdout)
            # the chains' own clocks (threads 1: they ran one after another)
            sample_s = fit["diagnostics"]["sampling_s"]
            total_s = fit["diagnostics"]["warmup_s"] + sample_s
            keep_fastest(row, "pm", (min_ess(fit["summary"]), sample_s, total_s, fit["sampler"]["divergent_total"]))
            if not stan:
                continue
            done = subprocess.run(["Rscript", os.path.join(HERE, "nuts_stan.R"), os.path.join(PEERS, "stan", stan_file),
                                   data, str(args.seed), args.stan_cache], capture_output=True, text=True)
            if done.returncode == 0:
                s = json.loads(done.stdout.strip().splitlines()[-1])
                keep_fastest(row, "Stan", (s["min_ess_bulk"], s["sampling_s"], s["warmup_s"] + s["sampling_s"],
                                           s["divergences"]))
            else:
                print(f"{name:<18}{'Stan':>7}  error: {done.stderr.strip()[-200:]}")
        if "pm" not in row:
            continue
        rates = {}
        for system, (ess, sample, total, div) in row.items():
            rates[system] = (ess / sample, ess / total)
            print(f"{name:<18}{system:>7}{ess:>9.0f}{sample:>10.3f}{total:>9.3f}{ess / sample:>10.0f}"
                  f"{ess / total:>10.0f}{div:>5}")
        if "Stan" in rates:
            print(f"{'':<18}{'':>7}{'':>9}{'':>10}{'':>9}{'':>10}{'':>10}{'':>5}"
                  f"{rates['pm'][0] / rates['Stan'][0]:>9.2f}{rates['pm'][1] / rates['Stan'][1]:>9.2f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
