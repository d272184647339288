#!/usr/bin/env python3
"""Accuracy of pm's variational inference against posteriordb's reference posteriors.

For every translated posterior (examples/posteriordb/<name>/model.pm) that has a reference
(<posteriordb>/<name>/reference_summary.csv), fit with `pm fit --method vi --guide G --json`
and print, per posterior and guide, over the reference's parameters:

  mean err  median of |mean - ref mean| / ref sd   (the standardized mean error)
  sd ratio  median of sd / ref sd                  (< 1: the guide is too narrow)
  max err   the largest standardized mean error
  time      wall time of the whole pm process (parse, compile, fit, output)

with pm's k-hat and the error of any model pm cannot run yet. With --stan (or when R's
rstan loads), Stan's ADVI runs on the same posteriors (bench/stan_advi.R: rstan's vb with
the same algorithm, iterations, tol_rel_obj and seed) and its columns print beside pm's.

The reference is NUTS (10 chains, 10,000 draws; its Monte Carlo error on a mean is about
0.01 sd), so standardized errors below ~0.02 are indistinguishable from it.
Standard library only (Debian's python3).
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from posteriordb_stan import rdump_value, rstan_available, run_stan, stan_221_source

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_PDB = os.path.normpath(os.path.join(REPO, "..", "shared", "posteriordb"))
# The handful Stan runs on by default: compiling each Stan model takes one to several
# minutes. One per kind: hierarchical (both parameterizations), a mixture, regressions at an
# extreme scale and extreme correlation, a GP, a time series and an HMM.
DEFAULT_STAN_SUBSET = [
    "eight_schools-eight_schools_noncentered", "eight_schools-eight_schools_centered",
    "low_dim_gauss_mix-low_dim_gauss_mix", "kidiq-kidscore_momiq", "earnings-earn_height",
    "kilpisjarvi_mod-kilpisjarvi", "gp_pois_regr-gp_pois_regr", "arK-arK",
    "sblrc-blr", "hmm_example-hmm_example",
]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pm", default=os.path.join(REPO, "build", "pm"), help="the pm binary")
    p.add_argument("--posteriordb", default=DEFAULT_PDB, help="posteriordb subset directory")
    p.add_argument("--guides", default="meanfield,fullrank")
    p.add_argument("--method", default="vi", help="pm's --method (map: develop without vi)")
    p.add_argument("--only", default="", help="comma-separated posterior names or name prefixes")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seeds", type=int, default=1,
                   help="fit pm with seeds S..S+N-1 and report medians over them (and the worst)")
    p.add_argument("--iter", type=int, default=10000)
    p.add_argument("--tol-rel-obj", type=float, default=0.01)
    p.add_argument("--timeout", type=float, default=600, help="seconds per pm run")
    p.add_argument("--pm-args", default="", help="extra arguments for pm fit (one string)")
    p.add_argument("--init-from-map", action="store_true",
                   help="what-if: start VI from pm's MAP estimate (--init), both runs timed")
    p.add_argument("--work-dir", default=os.path.join(REPO, "build"),
                   help="scratch files (the MAP estimates of --init-from-map)")
    p.add_argument("--stan", action="store_true", help="also run Stan's ADVI")
    p.add_argument("--no-stan", action="store_true", help="never run Stan")
    p.add_argument("--stan-only", default=",".join(DEFAULT_STAN_SUBSET),
                   help="posteriors Stan runs on ('all' for every one)")
    p.add_argument("--stan-tols", default="",
                   help="tighter tol_rel_obj values for extra Stan runs (e.g. 0.001,0.0001): "
                        "the time Stan needs to reach pm's accuracy")
    p.add_argument("--stan-cache", default=os.path.join(REPO, "build", "stan_cache"),
                   help="compiled Stan models and converted data")
    p.add_argument("--json-out", default="", help="write every figure here as JSON")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    return p.parse_args()


def read_reference(path):
    with open(path, newline="") as f:
        return {row["param"]: (float(row["mean"]), float(row["sd"])) for row in csv.DictReader(f)}


def find_posteriors(pdb, only):
    examples = os.path.join(REPO, "examples", "posteriordb")
    names = sorted(n for n in os.listdir(examples)
                   if os.path.isfile(os.path.join(examples, n, "model.pm"))
                   and os.path.isfile(os.path.join(pdb, n, "reference_summary.csv")))
    if only:
        wanted = [w for w in only.split(",") if w]
        names = [n for n in names if any(n == w or n.startswith(w) for w in wanted)]
    return [(n, os.path.join(examples, n, "model.pm"), os.path.join(pdb, n)) for n in names]


def first_error_line(stderr, stdout):
    """pm's first error line (not its warnings and notes), without the model's path."""
    lines = [l.strip() for l in (stderr + "\n" + stdout).splitlines()
             if l.strip() and not l.strip().startswith("{")]
    errors = [l for l in lines if re.search(r"\berror\b|failed|not supported", l)]
    line = (errors or lines or ["no output"])[0]
    return re.sub(r"^\S*model\.pm:", "", line)


def run_command(cmd, timeout):
    """(completed process or None on timeout, wall seconds)."""
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, timeout
    return done, time.monotonic() - start


def run_pm(args, model, posterior_dir, guide, seed):
    data = os.path.join(posterior_dir, "data.json")
    cmd = [args.pm, "fit", model, "-d", data, "--method", args.method, "--json",
           "--seed", str(seed)]
    extra = args.pm_args.split()
    if args.method == "vi":
        cmd += ["--guide", guide]
        # --pm-args may override the iterations or tolerance (pm takes each option once)
        if "--iter" not in extra:
            cmd += ["--iter", str(args.iter)]
        if "--tol-rel-obj" not in extra:
            cmd += ["--tol-rel-obj", str(args.tol_rel_obj)]
    cmd += extra
    map_wall = 0.0
    if args.init_from_map:
        # What-if: start the guide's mean at the MAP estimate (L-BFGS), the time of both
        # runs counted. Optimizing from the unconstrained origin strands the ELBO where
        # the data's scale is far from 1 (sigma starts at 1 where the data's is 20).
        os.makedirs(args.work_dir, exist_ok=True)
        init = os.path.join(args.work_dir, f"map_init_{os.getpid()}.json")
        done, map_wall = run_command([args.pm, "fit", model, "-d", data, "--method", "map",
                                      "--seed", str(seed), "--quiet", "--save-params", init],
                                     args.timeout)
        if done is None or done.returncode != 0:
            return {"error": "MAP for --init-from-map failed: " +
                             (first_error_line(done.stderr, done.stdout) if done else "timed out"),
                    "wall_s": map_wall}
        cmd += ["--init", init]
    done, wall = run_command(cmd, args.timeout)
    wall += map_wall
    if args.init_from_map:
        os.remove(init)
    if done is None:
        return {"error": f"timed out after {args.timeout:g} s", "wall_s": wall}
    if done.returncode != 0:
        return {"error": first_error_line(done.stderr, done.stdout), "wall_s": wall}
    try:
        fit = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"error": "unreadable --json output: " + done.stdout[:80].replace("\n", " "),
                "wall_s": wall}
    fit["wall_s"] = wall
    return fit


def score(summary, reference):
    """Standardized errors of a fit's summary {param: {"mean", "sd"}} against the reference.

    The standardized mean error |mean - ref mean| / ref sd is scale-free, so posteriors of
    any size and unit can share one median; sd / ref sd shows whether the guide's spread
    is right (mean-field VI is known to underestimate it under correlation)."""
    errors, ratios, missing = [], [], []
    for param, (ref_mean, ref_sd) in reference.items():
        est = summary.get(param)
        if est is None or est.get("mean") is None:
            missing.append(param)
            continue
        errors.append(abs(est["mean"] - ref_mean) / ref_sd)
        if est.get("sd") is not None:
            ratios.append(est["sd"] / ref_sd)
    if not errors:
        return {"error": "no reference parameter in the output (missing: "
                         + ", ".join(missing[:4]) + ")"}
    return {"mean_err": statistics.median(errors), "max_err": max(errors),
            "sd_ratio": statistics.median(ratios) if ratios else None, "missing": missing}


def fit_over_seeds(args, model, posterior_dir, guide, reference):
    """pm's figures for one posterior and guide: over --seeds seeds, the median of each
    figure, the worst seed's mean error, and how many seeds failed (VI's answer depends on
    the seed: one seed can land in a poor local optimum where the others do not)."""
    runs = []
    for seed in range(args.seed, args.seed + args.seeds):
        fit = run_pm(args, model, posterior_dir, guide, seed)
        if "error" in fit:
            runs.append({"error": fit["error"], "wall_s": fit["wall_s"]})
            continue
        scored = score(fit.get("summary", {}), reference)
        runs.append({**scored, "wall_s": fit["wall_s"], "time_s": fit.get("time_s"),
                     # pm's --json gives a k-hat that could not be fitted as the string "inf".
                     "khat": float(fit["khat"]) if isinstance(fit.get("khat"), str) else fit.get("khat"),
                     "converged": fit.get("converged"),
                     "iterations": fit.get("iterations"), "seed": seed,
                     "learning_rate": fit.get("learning_rate"), "elbo": fit.get("elbo")})
    ok = [r for r in runs if "error" not in r]
    failed = [r for r in runs if "error" in r]
    if not ok:
        return {"error": failed[0]["error"], "wall_s": median_of(r["wall_s"] for r in failed),
                "seeds": len(runs)}
    r = {"mean_err": median_of(r["mean_err"] for r in ok),
         "sd_ratio": median_of(r["sd_ratio"] for r in ok),
         "max_err": max(r["max_err"] for r in ok),
         "worst_mean_err": max(r["mean_err"] for r in ok),
         "wall_s": median_of(r["wall_s"] for r in ok),
         "time_s": median_of(r["time_s"] for r in ok),
         "khat": median_of(r["khat"] for r in ok),
         "converged": all(r["converged"] is not False for r in ok),
         "iterations": median_of(r["iterations"] for r in ok),
         "missing": ok[0]["missing"], "seeds": len(runs), "per_seed": runs}
    if failed:
        r["failed_seeds"] = len(failed)
        r["seed_error"] = failed[0]["error"]
    return r


# ------------------------------------------------------------------ Stan's side
def stan_extra_tols(args):
    return [t for t in args.stan_tols.split(",") if t]


def stan_to_pm_accuracy(pm, stan_runs):
    """The first Stan run, in order of tightening tolerance, at least as accurate as pm
    (the issue's rule: where Stan's default stops early and wrong, compare with the time
    it needs to reach our accuracy), as "time s (@tol)", or "never (best error)"."""
    usable = [(tol, s) for tol, s in stan_runs if "mean_err" in s]
    for tol, s in usable:
        if s["mean_err"] <= pm["mean_err"]:
            return f"{fmt(s['time_s'])} (@{tol})"
    return f"never ({fmt(min(s['mean_err'] for _, s in usable))})" if usable else "-"


# ------------------------------------------------------------------ output
def fmt(x, digits=3):
    if x is None:
        return "-"
    return f"{x:.{digits}g}" if abs(x) < 1000 else f"{x:.0f}"


def row_cells(r):
    if "error" in r:
        return ["-", "-", "-", fmt(r.get("wall_s")), "-"]
    return [fmt(r["mean_err"]), fmt(r["sd_ratio"]), fmt(r["max_err"]), fmt(r["wall_s"]),
            fmt(r.get("khat"))]


def stan_runs_by_tolerance(stan, guide, main_tol):
    """[(tol, result)] of one guide, the default tolerance first, then tighter ones."""
    runs = [(main_tol, stan[guide])] if guide in stan else []
    tighter = [(float(k.split("@")[1]), v) for k, v in stan.items() if k.startswith(guide + "@")]
    return runs + [(f"{t:g}", v) for t, v in sorted(tighter, reverse=True)]


def print_table(results, guides, with_stan, args):
    tighter = with_stan and stan_extra_tols(args)
    head = ["posterior", "guide", "mean err", "sd ratio", "max err", "time s", "k-hat"]
    if args.seeds > 1:
        head += ["worst seed"]
    if with_stan:
        head += ["Stan mean err", "Stan sd ratio", "Stan time s", "Stan k-hat", "time ratio"]
    if tighter:
        head += ["Stan s to pm's error"]
    head += ["note"]
    rows = []
    for name, per_guide in results.items():
        for g in guides:
            r = per_guide["pm"][g]
            cells = [name, g] + row_cells(r)
            if args.seeds > 1:
                cells.append(fmt(r.get("worst_mean_err")))
            if with_stan:
                s = per_guide.get("stan", {}).get(g)
                if s and "error" not in s:
                    ratio = r["wall_s"] / s["time_s"] if "error" not in r and s["time_s"] else None
                    cells += [fmt(s["mean_err"]), fmt(s["sd_ratio"]), fmt(s["time_s"]),
                              fmt(s.get("khat")), fmt(ratio)]
                else:
                    cells += ["-"] * 5 if not s else ["failed (below)"] + ["-"] * 4
            if tighter:
                runs = stan_runs_by_tolerance(per_guide.get("stan", {}), g, f"{args.tol_rel_obj:g}")
                cells.append(stan_to_pm_accuracy(r, runs) if "mean_err" in r and runs else "-")
            note = r.get("error", "")
            if r.get("failed_seeds"):
                note = f"failed on {r['failed_seeds']}/{r['seeds']} seeds: {r['seed_error']}"
            if not note and r.get("missing"):
                note = f"{len(r['missing'])} reference params not reported ({r['missing'][0]}, ...)"
            if not note and r.get("converged") is False:
                note = "not converged"
            cells.append(note if len(note) <= 100 else note[:99] + "…")
            rows.append(cells)
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for c in rows:
            print("| " + " | ".join(x.replace("|", "\\|") for x in c) + " |")
        return
    widths = [max(len(str(c[i])) for c in rows + [head]) for i in range(len(head) - 1)]
    for c in [head] + rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(c, widths)) + "  " + c[-1])


def cause_of(error):
    """Group errors by cause: the message without its location, prefixes, quoted names,
    parenthesized details and numbers."""
    e = re.sub(r"(^|\s)\d+:\d+:\s*(error:\s*)?", r"\1", error)
    e = re.sub(r"^(pm: )?(fit: )?(error: )?", "", e)
    e = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", e)
    e = re.sub(r"\s*\([^()]*\)", "", e)
    return re.sub(r"-?\d+(\.\d+)?(e[+-]?\d+)?", "#", e)


def median_of(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def print_summary(results, guides, with_stan):
    print()
    for g in guides:
        ran = [r["pm"][g] for r in results.values() if "mean_err" in r["pm"][g]]
        line = f"{g}: pm ran {len(ran)}/{len(results)} posteriors"
        if ran:
            line += (f"; median standardized mean error {fmt(median_of(r['mean_err'] for r in ran))}"
                     f", median sd ratio {fmt(median_of(r['sd_ratio'] for r in ran))}"
                     f", total time {sum(r['wall_s'] for r in ran):.1f} s")
        print(line)
        if not with_stan:
            continue
        both = {n: (r["pm"][g], r["stan"][g]) for n, r in results.items()
                if "mean_err" in r["pm"][g] and "mean_err" in r.get("stan", {}).get(g, {})}
        if not both:
            continue
        worse = [n for n, (p, s) in both.items() if p["mean_err"] > s["mean_err"] + 0.05]
        print(f"  on the {len(both)} posteriors both ran: median error pm "
              f"{fmt(median_of(p['mean_err'] for p, _ in both.values()))}, Stan "
              f"{fmt(median_of(s['mean_err'] for _, s in both.values()))}; median time ratio "
              f"pm/Stan {fmt(median_of(p['wall_s'] / s['time_s'] for p, s in both.values()))}; "
              f"pm worse than Stan by > 0.05 on: {', '.join(worse) or 'none'}")
    stan_failures = [f"  {name} ({key}): {s['error']}" for name, r in results.items()
                     for key, s in r.get("stan", {}).items() if "error" in s]
    if stan_failures:
        print("\nStan's ADVI failed on:\n" + "\n".join(stan_failures))
    causes = {}
    for name, r in results.items():
        for g in guides:
            fit = r["pm"][g]
            if "error" in fit:
                causes.setdefault(cause_of(fit["error"]), set()).add(f"{name} ({g})")
            elif fit.get("seed_error"):
                causes.setdefault(cause_of(fit["seed_error"]), set()).add(
                    f"{name} ({g}, {fit['failed_seeds']}/{fit['seeds']} seeds)")
    if causes:
        print("\nfailures by cause (posteriors, guide):")
        for cause, names in sorted(causes.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(names)}: {cause}\n      {', '.join(sorted(names))}")


def self_test():
    """Checks of the pure pieces (python3 bench/posteriordb_accuracy.py --self-test)."""
    # R's dump format is column-major: x[i][j] of Stan JSON is x[i, j] in R
    assert rdump_value([[1, 2, 3], [4, 5, 6]]) == "structure(c(1, 4, 2, 5, 3, 6), .Dim = c(2, 3))"
    assert rdump_value([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]) == \
        "structure(c(1, 5, 3, 7, 2, 6, 4, 8), .Dim = c(2, 2, 2))"
    assert rdump_value(3) == "3" and rdump_value(2.5) == "2.5" and rdump_value([]) == "double(0)"
    assert stan_221_source("array[N, K] real<lower=0> x;") == "real<lower=0> x[N, K];"
    assert stan_221_source("array[K] simplex[K] theta; // rows") == "simplex[K] theta[K]; // rows"
    assert stan_221_source("vector[N] y;") == "vector[N] y;"
    reference = {"a": (1.0, 2.0), "b[1]": (0.0, 0.5), "c": (5.0, 1.0)}
    s = score({"a": {"mean": 2.0, "sd": 2.0}, "b[1]": {"mean": 0.1, "sd": 0.25}}, reference)
    assert abs(s["mean_err"] - 0.35) < 1e-12 and abs(s["max_err"] - 0.5) < 1e-12
    assert abs(s["sd_ratio"] - 0.75) < 1e-12 and s["missing"] == ["c"]
    assert "error" in score({"z": {"mean": 0.0, "sd": 1.0}}, reference)
    assert cause_of("28:3: error: the loop over 't' (it reads e[t - 1]) is not supported") == \
        "the loop over '…' is not supported"
    assert cause_of("pm: fit: diverged: fell from -61.6 to -2.3e+05 by iteration 1100") == \
        "diverged: fell from # to # by iteration #"
    assert first_error_line("m.pm:1:2: warning: flat prior\npm: fit: failed: x\n", "") == \
        "pm: fit: failed: x"
    print("self-test passed")


def main():
    if "--self-test" in sys.argv:
        self_test()
        return 0
    args = parse_args()
    guides = [g for g in args.guides.split(",") if g]
    if not os.path.isdir(args.posteriordb):
        print(f"skipped: no posteriordb at {args.posteriordb}")
        return 0
    if not os.access(args.pm, os.X_OK):
        print(f"no pm binary at {args.pm} (build the pm target, or pass --pm)", file=sys.stderr)
        return 1
    posteriors = find_posteriors(args.posteriordb, args.only)
    if not posteriors:
        print("no translated posterior with a reference matches", file=sys.stderr)
        return 1
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: pm fit --method {args.method} "
          f"--seed {args.seed} on {len(posteriors)} posteriors", file=sys.stderr)
    results = {}
    for name, model, pdir in posteriors:
        reference = read_reference(os.path.join(pdir, "reference_summary.csv"))
        results[name] = {"pm": {}}
        for g in guides:
            r = fit_over_seeds(args, model, pdir, g, reference)
            results[name]["pm"][g] = r
            print(f"  {name} {g}: " + (r["error"] if "error" in r else
                  f"mean err {fmt(r['mean_err'])}, {r['wall_s']:.2f} s"), file=sys.stderr)

    with_stan = not args.no_stan and (args.stan or rstan_available())
    if with_stan:
        subset = posteriors if args.stan_only == "all" else \
            [p for p in posteriors if p[0] in args.stan_only.split(",")]
        stan = run_stan(args, subset, stan_extra_tols(args)) if subset else {}
        for name, per_guide in stan.items():
            reference = read_reference(os.path.join(args.posteriordb, name, "reference_summary.csv"))
            results[name]["stan"] = {}
            for key, s in per_guide.items():
                results[name]["stan"][key] = s if "error" in s else {
                    **score(s["summary"], reference), "time_s": s["time_s"], "khat": s.get("khat"),
                    "iterations": s.get("iterations"), "converged": s.get("converged")}
    print_table(results, guides, with_stan, args)
    print_summary(results, guides, with_stan)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
