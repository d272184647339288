#!/usr/bin/env python3
"""The reference VAE (examples/vae.pm: 64-128-16 encoder, 8-128-64 decoder, relu,
Bernoulli, Adam 1e-3, batch 64) trained for 50 epochs on the 8x8 digits by pm and, where
Debian's python3-torch imports, by PyTorch on the CPU (bench/vae_torch.py, 2 threads) in
the same run; prints seconds per epoch, the test ELBO and the IWAE test log-likelihood
(K = 1000) of each, and the ratio pm / PyTorch of the training times (issue 6, item 8:
target <= 1.0, test log-likelihood within 1 nat).

pm:      pm fit examples/vae.pm -d examples/vae/digits_train.json --batch 64 --epochs 50
           --lr 0.001 --test examples/vae/digits_test.json --json --seed S --save-params P
         seconds per epoch = time_s / epochs (and train_time_s / epochs, the steps alone);
         the test ELBO per datum from its test_elbo_per_datum;
         pm evidence examples/vae.pm -d examples/vae/digits_test.json --params P
           --method iwae --k 1000 --json: log_evidence / N is the test log-likelihood.
PyTorch: /usr/bin/python3 bench/vae_torch.py --json --seed S (its own training loop time).

Every figure is per test datum (N = 297), in nats. The load average is printed first: the
machine is shared, and timings taken under load (above ~1 per core) are noise.

Usage: python3 bench/vae_bench.py [--pm build/pm] [--seeds 0,1,2] [--epochs 50] [--k 1000]
          [--no-torch] [--torch-dtype float32|float64] [--torch-threads 2] [--json-out FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "examples", "vae.pm")
TRAIN = os.path.join(ROOT, "examples", "vae", "digits_train.json")
TEST = os.path.join(ROOT, "examples", "vae", "digits_test.json")
TORCH_PYTHON = "/usr/bin/python3"  # Debian's python3-torch lives in the system python


def run_json(command):
    """Runs a command whose stdout is one JSON object; (object, None) or (None, error)."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [l for l in done.stderr.splitlines() if not l.startswith("note:")]
        return None, f"exit {done.returncode}: " + " | ".join(lines[:3])
    return json.loads(done.stdout.strip().splitlines()[-1]), None


def per_datum(total, n):
    """pm reports ELBOs and log evidences summed over the data."""
    return None if total is None else total / n


def pm_run(pm, seed, epochs, particles, test_n, scratch):
    params = os.path.join(scratch, f"vae_params_{seed}.json")
    fit, error = run_json([pm, "fit", MODEL, "-d", TRAIN, "--batch", "64", "--epochs", str(epochs),
                           "--lr", "0.001", "--test", TEST, "--json", "--quiet", "--seed", str(seed),
                           "--save-params", params])
    if error:
        return {"error": "pm fit: " + error}
    test_elbo = fit.get("test_elbo_per_datum")
    result = {"time_s": fit["time_s"], "seconds_per_epoch": fit["time_s"] / epochs,
              "test_elbo": test_elbo if test_elbo is not None else per_datum(fit.get("test_elbo"), test_n)}
    if "train_time_s" in fit:
        # The training steps alone, the same span as vae_torch.py's clock.
        result["train_time_s"] = fit["train_time_s"]
        result["train_seconds_per_epoch"] = fit["train_time_s"] / epochs
    if particles > 0:
        evidence, error = run_json([pm, "evidence", MODEL, "-d", TEST, "--params", params, "--method", "iwae",
                                    "--k", str(particles), "--json", "--seed", str(seed)])
        if error:
            result["iwae_error"] = "pm evidence: " + error
        else:
            # Per datum: each test datum's own IWAE bound with K particles, averaged (Burda et
            # al. 2016; vae_torch.py's). A bound over all the test latents jointly (one particle
            # = one draw of all 297 codes) is looser; "bound" says which one pm computed.
            result["test_iwae"] = evidence.get("per_datum", per_datum(evidence["log_evidence"], test_n))
            result["iwae_per_datum"] = evidence.get("bound") == "per_datum"
            result["iwae_time_s"] = evidence.get("time_s")
    return result


def torch_available():
    try:
        return subprocess.run([TORCH_PYTHON, "-c", "import torch"], capture_output=True).returncode == 0
    except OSError:
        return False


def torch_run(seed, epochs, particles, dtype, threads):
    result, error = run_json([TORCH_PYTHON, os.path.join(ROOT, "bench", "vae_torch.py"), "--json",
                              "--seed", str(seed), "--epochs", str(epochs), "--k", str(particles),
                              "--dtype", dtype, "--threads", str(threads)])
    return {"error": "vae_torch.py: " + error} if error else result


def median(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def show(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pm", default=os.path.join(ROOT, "build", "pm"))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--k", type=int, default=1000, help="IWAE particles per test datum (0: skip)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--torch-dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--torch-threads", type=int, default=2,
                        help="PyTorch's threads (issue 6: 2; on a loaded machine 1 is less noisy)")
    parser.add_argument("--json-out", help="write every run's figures here")
    args = parser.parse_args()
    if not os.access(args.pm, os.X_OK):
        sys.exit(f"vae_bench: no pm program at {args.pm} (build it, or pass --pm PATH)")
    seeds = [int(s) for s in args.seeds.split(",")]
    with open(TEST) as f:
        test_n = json.load(f)["N"]

    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
          + ("  (busy machine: timings are noise)" if load[0] > os.cpu_count() else ""))
    use_torch = not args.no_torch and torch_available()
    if not args.no_torch and not use_torch:
        print(f"PyTorch: skipped ({TORCH_PYTHON} cannot import torch; apt-get install python3-torch)")

    runs = {"pm": [], "torch": []}
    with tempfile.TemporaryDirectory() as scratch:
        for seed in seeds:
            # pm and PyTorch alternate per seed, so a change in the machine's load hits both.
            runs["pm"].append(dict(seed=seed, **pm_run(args.pm, seed, args.epochs, args.k, test_n, scratch)))
            if use_torch:
                runs["torch"].append(dict(seed=seed, **torch_run(seed, args.epochs, args.k, args.torch_dtype, args.torch_threads)))

    for run in runs["torch"]:
        # vae_torch.py's clock spans its training loop only: both of pm's spans compare to it.
        if "seconds_per_epoch" in run:
            run["train_seconds_per_epoch"] = run["seconds_per_epoch"]

    print(f"\nVAE on the 8x8 digits, {args.epochs} epochs, batch 64, Adam 1e-3; per test datum (N = {test_n})")
    print("s/epoch: the run's time_s / epochs (pm: the whole fit, with the per-epoch test ELBO and the")
    print("final report); steps: the training steps alone (pm's train_time_s; PyTorch's loop)")
    iwae_header = f"test log-lik (IWAE K={args.k})" if args.k > 0 else "test log-lik (not run: --k 0)"
    print(f"| system | seed | s/epoch | steps s/epoch | test ELBO | {iwae_header} | IWAE s |")
    print("|---|---|---|---|---|---|---|")
    for system, label in (("pm", "pm"), ("torch", f"PyTorch {args.torch_dtype} {args.torch_threads}t")):
        for run in runs[system]:
            if "error" in run:
                print(f"| {label} | {run['seed']} | {run['error']} | | | | |")
                continue
            iwae = show(run.get("test_iwae")) if "iwae_error" not in run else run["iwae_error"]
            if system == "pm" and "test_iwae" in run and not run["iwae_per_datum"]:
                iwae += " (joint bound over all test latents: looser)"
            print(f"| {label} | {run['seed']} | {show(run['seconds_per_epoch'], 4)} | "
                  f"{show(run.get('train_seconds_per_epoch'), 4)} | {show(run['test_elbo'])} | {iwae} | "
                  f"{show(run.get('iwae_time_s'), 1)} |")

    keys = ("seconds_per_epoch", "train_seconds_per_epoch", "test_elbo", "test_iwae")
    medians = {system: {key: median(runs[system], key) for key in keys} for system in runs}
    print(f"\nmedians over seeds {args.seeds}:")
    for system in runs:
        if runs[system]:
            m = medians[system]
            print(f"  {system}: {show(m['seconds_per_epoch'], 4)} s/epoch ({show(m['train_seconds_per_epoch'], 4)} in "
                  f"the steps), test ELBO {show(m['test_elbo'])}, IWAE {show(m['test_iwae'])}")
    pm_m, torch_m = medians["pm"], medians["torch"]
    if runs["torch"] and pm_m["seconds_per_epoch"] and torch_m["seconds_per_epoch"]:
        print(f"  time pm / PyTorch: {pm_m['seconds_per_epoch'] / torch_m['seconds_per_epoch']:.2f} by time_s"
              + (f", {pm_m['train_seconds_per_epoch'] / torch_m['seconds_per_epoch']:.2f} by the steps alone"
                 if pm_m["train_seconds_per_epoch"] else "") + " (target <= 1.0)")
        for key, name in (("test_elbo", "test ELBO"), ("test_iwae", "test log-likelihood")):
            if pm_m[key] is not None and torch_m[key] is not None:
                print(f"  {name} pm - PyTorch: {pm_m[key] - torch_m[key]:+.3f} nats"
                      + (" (target: within 1)" if key == "test_iwae" else ""))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"load_average": load, "runs": runs, "medians": medians}, f, indent=1)
    failed = any("error" in run for run in runs["pm"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
