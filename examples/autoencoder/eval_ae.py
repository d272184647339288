#!/usr/bin/env python3
"""Reconstruction error of a saved autoencoder on a data file, computed without pm.

Reads the params JSON written by `pm fit ae.pm --save-params` (docs/nets.md: each layer's
weight as nested arrays [n_out][n_in], W[j][i] = output j, input i, like PyTorch's
Linear.weight; the bias as [n_out]; names NET.layerL.weight / NET.layerL.bias) and runs
the two nets of ae.pm in plain python3:

    z     = encoder(x)       mlp(64, 32, 8): tanh hidden layer, identity output
    x_hat = decoder(z)       mlp(8, 32, 64): tanh hidden layer, sigmoid output

and prints, per image averaged over the data set,
    mse     the mean squared error per pixel, (1/D) sum_d (x_d - x_hat_d)^2;
    loglik  the Gaussian log-likelihood of the image under the model's own sigma,
            sum_d log N(x_d | x_hat_d, sigma) = -D log(sigma sqrt(2 pi)) - SSE / (2 sigma^2),
            which is ae.pm's likelihood term, so a pm score of the same file must match it;
and the MSE per digit label when the data has labels.

The activations are read from ae.pm's defaults above; a different architecture in ae.pm
must be mirrored in ACTIVATIONS.

With --warm-start OUT.json it also writes the params with sigma replaced by its maximum
likelihood value given the nets on DATA, sigma = sqrt(mean squared error per pixel) (the
zero of d/dsigma [-N D log sigma - SSE / (2 sigma^2)]): the start for fine-tuning on DATA
(README.md says why).

Usage: python3 eval_ae.py PARAMS.json DATA.json [--json] [--per-image FILE.csv]
                          [--warm-start OUT.json]
"""
import argparse
import json
import math

# (hidden activation, output activation) per net, as declared in ae.pm.
ACTIVATIONS = {"encoder": ("tanh", "identity"), "decoder": ("tanh", "sigmoid")}


def sigmoid(v):
    # Split by sign so exp never overflows.
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


FUNCTIONS = {"tanh": math.tanh, "sigmoid": sigmoid, "identity": lambda v: v,
             "relu": lambda v: v if v > 0 else 0.0}


def layers_of(params, net):
    """[(W, b), ...] of NET in layer order, from the saved names NET.layerL.weight/bias."""
    layers = []
    while f"{net}.layer{len(layers) + 1}.weight" in params:
        number = len(layers) + 1
        layers.append((params[f"{net}.layer{number}.weight"], params[f"{net}.layer{number}.bias"]))
    if not layers:
        raise SystemExit(f"no weights of net '{net}' in the params file")
    return layers


def run_net(layers, activations, inputs):
    hidden, output = (FUNCTIONS[a] for a in activations)
    values = inputs
    for number, (weight, bias) in enumerate(layers, start=1):
        act = output if number == len(layers) else hidden
        values = [act(sum(w * v for w, v in zip(row, values)) + b) for row, b in zip(weight, bias)]
    return values


def evaluate(params, data):
    encoder, decoder = layers_of(params, "encoder"), layers_of(params, "decoder")
    sigma = float(params["sigma"])
    rows = []
    for image in data["x"]:
        reconstruction = run_net(decoder, ACTIVATIONS["decoder"],
                                 run_net(encoder, ACTIVATIONS["encoder"], image))
        sse = sum((a - b) ** 2 for a, b in zip(image, reconstruction))
        d = len(image)
        loglik = -d * (math.log(sigma) + 0.5 * math.log(2 * math.pi)) - sse / (2 * sigma * sigma)
        rows.append((sse / d, loglik))
    return sigma, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("params")
    parser.add_argument("data")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--per-image", help="write image,label,mse,loglik rows to this CSV")
    parser.add_argument("--warm-start", help="write the params with sigma at its MLE on DATA")
    args = parser.parse_args()
    with open(args.params) as f:
        params = json.load(f)
    with open(args.data) as f:
        data = json.load(f)
    sigma, rows = evaluate(params, data)
    labels = data.get("label", [None] * len(rows))
    result = {"n": len(rows), "sigma": sigma,
              "mse": sum(r[0] for r in rows) / len(rows),
              "loglik": sum(r[1] for r in rows) / len(rows)}
    per_digit = {}
    for (mse, _), label in zip(rows, labels):
        if label is not None:
            per_digit.setdefault(label, []).append(mse)
    result["mse_by_label"] = {str(k): sum(v) / len(v) for k, v in sorted(per_digit.items())}
    if args.per_image:
        with open(args.per_image, "w") as f:
            f.write("image,label,mse,loglik\n")
            for number, ((mse, loglik), label) in enumerate(zip(rows, labels), start=1):
                f.write(f"{number},{'' if label is None else label},{mse!r},{loglik!r}\n")
    if args.warm_start:
        with open(args.warm_start, "w") as f:
            json.dump(dict(params, sigma=math.sqrt(result["mse"])), f)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.data}: N = {result['n']}, mean squared error per pixel {result['mse']:.5f}, "
          f"Gaussian log-likelihood per image {result['loglik']:.2f} (sigma = {sigma:.4f})")
    if result["mse_by_label"]:
        print("  MSE by digit: " + ", ".join(f"{k}: {v:.4f}" for k, v in result["mse_by_label"].items()))


if __name__ == "__main__":
    main()
