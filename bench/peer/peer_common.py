"""What both Python peers share (numpy and the standard library only, so that the
TensorFlow venv and the JAX venv can both import it): the request loop that keeps one
Python process alive for a whole benchmark run, and the weight files the TypeScript
side writes.

Serving: run.ts starts `python peer.py serve` (or `peer_jax.py serve`) once and sends
one JSON list of arguments a line, the same arguments the command line takes; each
reply is one JSON line {"ok": true, "result": ...} or {"ok": false, "error": ...}.
One long-lived process lets run.ts interleave Python and TypeScript repetitions
without paying the import of TensorFlow (seconds) at each one.
"""
import json
import sys
import traceback

import numpy as np


def serve(parser, commands, versions):
    """Answers argument lists read from stdin until it closes; state lives in the commands' modules."""
    replies = sys.stdout
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            args = parser.parse_args(json.loads(line))
            reply = {"ok": True, "result": {**versions(), "rows": commands[args.command](args)}}
        except BaseException:  # noqa: B036 -- argparse exits with SystemExit; report it too
            reply = {"ok": False, "error": traceback.format_exc()}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def load_weights(prefix):
    """The arrays that run.ts wrote: PREFIX.json lists names and shapes, PREFIX.bin holds float32 values in that order."""
    with open(prefix + ".json") as fh:
        manifest = json.load(fh)
    flat = np.fromfile(prefix + ".bin", dtype="<f4")
    arrays, offset = [], 0
    for shape in manifest["shapes"]:
        size = int(np.prod(shape))
        arrays.append(flat[offset:offset + size].reshape(shape))
        offset += size
    if offset != flat.size:
        raise ValueError(f"{prefix}.bin holds {flat.size} values, the manifest {offset}")
    return manifest["names"], arrays


def relative_differences(names, ours, reference):
    """Per array: |a - b|_2 / |b|_2 (float64), where b is the TypeScript side's value."""
    out = {}
    for name, a, b in zip(names, ours, reference):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        out[name] = float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))
    return out


def vae_commands(make_model, time_model):
    """The three VAE commands of a peer: load the weights run.ts wrote, check the step-0
    loss and gradients against run.ts's, time steps. `make_model(args, names, weights)`
    builds the peer's model; `time_model(model, args)` times it. The model is kept
    between served requests."""
    state = {}

    def vae_load(args):
        names, weights = load_weights(args.weights)
        state["model"] = make_model(args, names, weights)
        return [{"parameters": int(sum(w.size for w in weights))}]

    def vae_agree(args):
        _, (gumbel,) = load_weights(args.noise)
        _, ts_grads = load_weights(args.grads)
        return [state["model"].agree(gumbel, args.loss, ts_grads)]

    def vae_time(args):
        return [{"experiment": "categorical-vae st-gumbel-softmax", **time_model(state["model"], args)}]

    return {"vae-load": vae_load, "vae-agree": vae_agree, "vae-time": vae_time}


def add_vae_parsers(sub, mode_argument):
    """The arguments of the three VAE commands; `mode_argument` is how `vae-time --mode` is declared."""
    p = sub.add_parser("vae-load")
    p.add_argument("--weights", required=True)
    p.add_argument("--digits", type=int, required=True)
    for name, kind in (("--latents", int), ("--categories", int), ("--batch", int), ("--temperature", float), ("--learning-rate", float)):
        p.add_argument(name, type=kind, required=True)
    p = sub.add_parser("vae-agree")
    p.add_argument("--noise", required=True)
    p.add_argument("--grads", required=True)
    p.add_argument("--loss", type=float, required=True)
    p = sub.add_parser("vae-time")
    p.add_argument("--mode", **mode_argument)
    p.add_argument("--steps", type=int, required=True)


def main(parser, commands, versions):
    """One command from the command line, or `serve` for many."""
    args = parser.parse_args()
    if args.command == "serve":
        serve(parser, commands, versions)
        return
    json.dump({**versions(), "rows": commands[args.command](args)}, sys.stdout)
    print()
