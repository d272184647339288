#!/usr/bin/python3
"""The reference VAE of examples/vae.pm trained with PyTorch on the CPU: the peer of
`pm fit examples/vae.pm --batch 64 --epochs 50` in bench/vae_bench.sh.

Model (the same as vae.pm): x in [0, 1]^64, z ~ N(0, I_8);
  encoder 64 -> 128 (relu) -> 16, the first 8 outputs the mean of q(z | x), the last 8
  through softplus its sd (vae.pm's guide: normal(h[:, 1:8], softplus(h[:, 9:16])));
  decoder 8 -> 128 (relu) -> 64 -> sigmoid, the pixel probabilities;
  log p(x | z) = sum_d x_d log p_d + (1 - x_d) log(1 - p_d) (vae.pm's bernoulli_probs on
  grey pixels), computed from the logits l as x l - softplus(l), which never takes the
  log of a rounded-to-zero probability.
Initialization: PyTorch's default Linear init (not pm's He init): architectures match,
  initial weights do not.
Training: Adam lr 1e-3, batch 64, a fresh shuffle per epoch, one reparameterized draw per
  datum, the KL of the two normals in closed form (pm's analytic normal/normal KL), the
  loss the batch mean of -ELBO. Training time: the epochs' loop only (no evaluation inside).
Evaluation (after training, with its own seed): the ELBO per test datum averaged over
  S = 10 draws each, and the IWAE estimate of log p(x) with K = 1000 particles per datum,
  log (1/K) sum_k p(x, z_k) / q(z_k | x), z_k ~ q(z | x) (Burda et al. 2016), averaged over
  the test data.

This is our own script; the peers' one (../shared/peers/torch/vae_digits.py) parameterizes
the sd as exp(log_var / 2) and reads digits.csv; the protocol (data split, optimizer, batch,
epochs, S, K) is the same. float32 by default, as the peers' figures were taken; pm computes
in float64, so --dtype float64 gives the like-for-like arithmetic.

Usage: /usr/bin/python3 bench/vae_torch.py [--train F] [--test F] [--epochs 50] [--seed 0]
          [--threads 2] [--k 1000] [--dtype float32|float64] [--json]
Prints one JSON object with --json: seconds_per_epoch, train_time_s, test_elbo,
train_elbo, test_iwae (per datum), iwae_k, dtype, threads, torch.
"""
import argparse
import json
import math
import os
import time

# OpenBLAS threads on top of torch's own threads would oversubscribe the 2 cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LATENT, HIDDEN, BATCH, LEARNING_RATE = 8, 128, 64, 1e-3
LOG_2PI = math.log(2 * math.pi)


class Vae(nn.Module):
    def __init__(self, pixels):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(pixels, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 2 * LATENT))
        # The decoder returns logits; the sigmoid of vae.pm's output layer is folded into
        # the Bernoulli log-likelihood below.
        self.decoder = nn.Sequential(nn.Linear(LATENT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, pixels))

    def guide(self, x):
        h = self.encoder(x)
        return h[..., :LATENT], functional.softplus(h[..., LATENT:])


def log_likelihood(logits, x):
    """sum over pixels of x log sigmoid(l) + (1 - x) log(1 - sigmoid(l)) = x l - softplus(l)."""
    return (x * logits - functional.softplus(logits)).sum(-1)


def elbo_per_datum(model, x, draws=1):
    """ELBO of each datum: E_q[log p(x | z)] by `draws` reparameterized draws, minus the
    closed-form KL(N(mu, sd^2) || N(0, 1)) = 1/2 sum (mu^2 + sd^2 - 1) - sum log sd."""
    mean, sd = model.guide(x)
    z = mean + sd * torch.randn((draws,) + mean.shape, dtype=mean.dtype)
    reconstruction = log_likelihood(model.decoder(z), x).mean(0)
    kl = 0.5 * (mean.square() + sd.square() - 1.0).sum(-1) - torch.log(sd).sum(-1)
    return reconstruction - kl


@torch.no_grad()
def iwae_per_datum(model, x, particles):
    """log (1/K) sum_k exp(log p(x | z_k) + log p(z_k) - log q(z_k | x)) per datum, by
    logsumexp; one batch of K particles per datum."""
    mean, sd = model.guide(x)
    estimates = []
    for i in range(x.shape[0]):
        eps = torch.randn(particles, LATENT, dtype=x.dtype)
        z = mean[i] + sd[i] * eps
        log_prior = -0.5 * (z.square().sum(-1) + LATENT * LOG_2PI)
        log_guide = -0.5 * (eps.square().sum(-1) + LATENT * LOG_2PI) - torch.log(sd[i]).sum()
        log_weights = log_likelihood(model.decoder(z), x[i]) + log_prior - log_guide
        estimates.append(torch.logsumexp(log_weights, 0) - math.log(particles))
    return torch.stack(estimates)


def load(path, dtype):
    with open(path) as f:
        return torch.tensor(json.load(f)["x"], dtype=dtype)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", default=os.path.join(ROOT, "examples", "vae", "digits_train.json"))
    parser.add_argument("--test", default=os.path.join(ROOT, "examples", "vae", "digits_test.json"))
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--k", type=int, default=1000, help="IWAE particles per datum (0: skip)")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    train, test = load(args.train, dtype), load(args.test, dtype)

    torch.manual_seed(args.seed)
    model = Vae(train.shape[1]).to(dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    shuffle = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    for _ in range(args.epochs):
        order = torch.randperm(train.shape[0], generator=shuffle)
        for first in range(0, train.shape[0], BATCH):
            loss = -elbo_per_datum(model, train[order[first:first + BATCH]]).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    train_time = time.perf_counter() - start

    torch.manual_seed(10_000 + args.seed)
    with torch.no_grad():
        result = {"torch": torch.__version__, "dtype": args.dtype, "threads": torch.get_num_threads(),
                  "epochs": args.epochs, "train_time_s": train_time,
                  "seconds_per_epoch": train_time / max(1, args.epochs),
                  "train_elbo": float(elbo_per_datum(model, train, draws=10).mean()),
                  "test_elbo": float(elbo_per_datum(model, test, draws=10).mean())}
    if args.k > 0:
        start = time.perf_counter()
        result["test_iwae"] = float(iwae_per_datum(model, test, args.k).mean())
        result["iwae_k"] = args.k
        result["iwae_time_s"] = time.perf_counter() - start
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()
