"""The Python peer of bench/peer/run.ts: the source documents' experiments written the way a
user of TensorFlow 2 and TensorFlow Probability would write them.

Each subcommand prints one JSON object on stdout (timings in seconds, plus a few
result values to show that the runs did the work). run.ts spawns it.

    python peer.py squared-error --steps 10000 --warmup 50 --modes eager,function
    python peer.py relaxed-entropy --repeats 50 --warmup 5 --modes eager,function
    python peer.py gaussian-mixture --repeats 50 --warmup 5 --modes eager,function
    python peer.py agree INPUT.json OUTPUT.json
    python peer.py serve      # one JSON list of these arguments a line on stdin (peer_common.py)

The categorical VAE (vae_tf.py) keeps its model between requests, so it is served only:
vae-load (weights written by run.ts), vae-agree (loss and gradients against the TS
side's), vae-time (seconds per step, eager or tf.function).

Timing: every experiment first runs `warmup` untimed steps (this is where
tf.function traces and compiles), then resets its state and times the rest with
time.perf_counter. Nothing outside the loop (imports, tracing) is counted.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tensorflow_probability as tfp  # noqa: E402

from peer_common import add_vae_parsers, main, vae_commands  # noqa: E402
from vae_tf import TfVae  # noqa: E402

tfd = tfp.distributions
RECORD_EVERY = 500  # the source prints every 500 steps; we read the loss as often


def hard(y):
    """Straight-through rounding: one-hot argmax forward, identity backward."""
    y_hard = tf.one_hot(tf.argmax(y, -1), y.shape[-1], dtype=y.dtype)
    return y + tf.stop_gradient(y_hard - y)


def maybe_function(f, mode):
    return tf.function(f) if mode == "function" else f


# ---------------------------------------------------- squared-error toy ---

def squared_error(args):
    target = tf.constant([0.2, 0.7, 0.1])
    n, lr, tau = 1000, 0.01, 5.0
    rows = []
    for estimator in ("reinforce", "st-gumbel-softmax"):
        for mode in args.modes:
            logits = tf.Variable([1.0, 1.0, 1.0])

            def reinforce_step():
                with tf.GradientTape() as tape:
                    q = tfd.OneHotCategorical(logits=logits, dtype=tf.float32)
                    y = q.sample(n)
                    f = tf.reduce_sum((y - target) ** 2, -1)
                    surrogate = tf.reduce_mean(f * q.log_prob(y))
                grad = tape.gradient(surrogate, logits)
                logits.assign_sub(lr * grad)
                return tf.reduce_mean(f)

            def st_gumbel_step():
                with tf.GradientTape() as tape:
                    q = tfd.RelaxedOneHotCategorical(temperature=tau, logits=logits)
                    y = hard(q.sample(n))
                    loss = tf.reduce_mean(tf.reduce_sum((y - target) ** 2, -1))
                grad = tape.gradient(loss, logits)
                logits.assign_sub(lr * grad)
                return loss

            step = maybe_function(reinforce_step if estimator == "reinforce" else st_gumbel_step, mode)
            for _ in range(args.warmup):
                step()
            logits.assign([1.0, 1.0, 1.0])
            losses = []
            start = time.perf_counter()
            for i in range(args.steps):
                loss = step()
                if i % RECORD_EVERY == 0 or i == args.steps - 1:
                    losses.append(float(loss))
            seconds = time.perf_counter() - start
            rows.append({
                "experiment": f"squared-error {estimator}", "mode": mode, "seconds": seconds,
                "count": args.steps, "unit": "step",
                "result": {"final_probs": tf.nn.softmax(logits).numpy().tolist(), "last_loss": losses[-1]},
            })
    return rows


# ---------------------------------------------------- relaxed entropy ---

PROBS_001 = np.array([0.5, 0.25, 0.125, 0.125], dtype=np.float32)


def entropy_estimators(logits, n):
    """The relaxed-entropy estimates as functions of nothing (they sample inside)."""
    def discrete_mc(tau):
        dc = tfd.OneHotCategorical(logits=logits, dtype=tf.float32)
        z = tfd.RelaxedOneHotCategorical(temperature=tau, logits=logits).sample(n)
        z_hard = tf.one_hot(tf.argmax(z, -1), z.shape[-1])
        return -tf.reduce_mean(dc.log_prob(z_hard))

    def eq21(tau):
        dc = tfd.OneHotCategorical(logits=logits, dtype=tf.float32)
        z = tfd.RelaxedOneHotCategorical(temperature=tau, logits=logits).sample(n)
        return -tf.reduce_mean(dc.log_prob(z))

    def concrete_mc(tau):
        dr = tfd.RelaxedOneHotCategorical(temperature=tau, logits=logits)
        return -tf.reduce_mean(dr.log_prob(dr.sample(n)))

    def eq22():
        return tfd.Categorical(logits=logits).entropy()

    return {"discrete MC": discrete_mc, "eq.21": eq21, "Concrete MC": concrete_mc, "eq.22": eq22}


def relaxed_entropy(args):
    logits = tf.constant(np.log(PROBS_001))
    rows = []
    for mode in args.modes:
        for name, f in entropy_estimators(logits, 10_000).items():
            for tau in ((None,) if name == "eq.22" else (10.0, 1.0)):
                call = maybe_function(f if tau is None else (lambda f=f, tau=tau: f(tau)), mode)
                for _ in range(args.warmup):
                    float(call())
                values = []
                start = time.perf_counter()
                for _ in range(args.repeats):
                    values.append(float(call()))  # a user reads the number
                seconds = time.perf_counter() - start
                label = name if tau is None else f"{name} tau={tau:g}"
                rows.append({
                    "experiment": f"relaxed-entropy {label}", "mode": mode, "seconds": seconds,
                    "count": args.repeats, "unit": "estimate", "result": {"mean": float(np.mean(values))},
                })
    return rows


# ---------------------------------------------------- Gaussian mixture ---

class Mixture:
    """The Gaussian mixture: bucket s ~ softmax(log_P), z | s ~ N(mu(s), sigma(s)^2)."""

    def __init__(self, seed=1, dim=10, buckets=5):
        rs = np.random.RandomState(seed)
        normal = lambda *shape: rs.normal(0, 1, shape).astype(np.float32)  # noqa: E731
        self.dim, self.buckets = dim, buckets
        self.log_P = tf.Variable(normal(1, buckets), name="log_P")
        self.A = tf.Variable(normal(dim + buckets, 1), name="A")
        self.B = tf.Variable(normal(1), name="B")
        self.C = tf.Variable(normal(dim + buckets, 1), name="C")
        self.D = tf.Variable(normal(1), name="D")
        self.X = tf.constant(normal(1, dim))
        self.variables = [self.log_P, self.A, self.B, self.C, self.D]

    def mu_log_sigma(self, s):
        x_s = tf.concat([tf.broadcast_to(self.X, (tf.shape(s)[0], self.dim)), s], axis=1)
        return tf.sigmoid(x_s @ self.A + self.B), x_s @ self.C + self.D

    @staticmethod
    def mean_square(mu, log_sigma, eps):  # [m, 1] with eps [1, L2] -> [m]
        """mean_j (mu + sigma eps_j)^2, expanded as (mu + sigma mean(eps))^2 + sigma^2 var(eps).

        The same exact expansion as the TS library (gaussian-mixture-gradients.ts), so
        both sides do the same work; it equals averaging over the [m, L2] grid of z.
        """
        sigma = tf.exp(log_sigma)
        eps_mean, eps_var = tf.nn.moments(eps, axes=[1])
        return tf.reshape((mu + sigma * eps_mean) ** 2 + sigma ** 2 * eps_var, [-1])


def mixture_methods(model, L1, L2, tau, mode):
    """Each method returns (objective, list of gradients) for all five parameters.

    Eager: noise from numpy, as the source document draws it. tf.function: noise from
    tf.random inside the graph (numpy noise would be frozen into the trace).
    """
    K = model.buckets
    if mode == "function":
        normal = lambda shape: tf.random.normal(shape)  # noqa: E731
        uniform = lambda shape: tf.random.uniform(shape, 1e-7, 1.0)  # noqa: E731
    else:
        normal = lambda shape: tf.constant(np.random.normal(0, 1, shape), tf.float32)  # noqa: E731
        uniform = lambda shape: tf.constant(np.random.uniform(0, 1, shape), tf.float32)  # noqa: E731

    def elementary():
        eps = normal((1, L2))
        with tf.GradientTape() as tape:
            mu, log_sigma = model.mu_log_sigma(tf.eye(K))
            P = tf.nn.softmax(model.log_P)
            value = tf.reduce_sum(P @ model.mean_square(mu, log_sigma, eps)[:, None])
        return value, tape.gradient(value, model.variables)

    def gumbel_softmax():
        eps = normal((1, L2))
        g = -tf.math.log(-tf.math.log(uniform((L1, K))))
        with tf.GradientTape() as tape:
            s = tf.nn.softmax((model.log_P + g) / tau)
            value = tf.reduce_mean(model.mean_square(*model.mu_log_sigma(s), eps))
        return value, tape.gradient(value, model.variables)

    def log_trick():
        eps = normal((1, L2))
        q = tfd.OneHotCategorical(logits=model.log_P[0], dtype=tf.float32)
        s = q.sample(L1)
        with tf.GradientTape() as tape:
            f = model.mean_square(*model.mu_log_sigma(s), eps)
            log_q = tfd.OneHotCategorical(logits=model.log_P[0], dtype=tf.float32).log_prob(s)
            surrogate = tf.reduce_mean(f + tf.stop_gradient(f) * log_q)
        return tf.reduce_mean(f), tape.gradient(surrogate, model.variables)

    return {"elementary": elementary, "gumbel-softmax": gumbel_softmax, "log trick": log_trick}


def gaussian_mixture(args):
    rows = []
    for mode in args.modes:
        model = Mixture()
        for name, method in mixture_methods(model, args.L1, args.L2, args.tau, mode).items():
            call = maybe_function(method, mode)

            def read():  # a user reads every gradient back, as the TS functions do
                value, grads = call()
                return float(value), [g.numpy() for g in grads]

            for _ in range(args.warmup):
                read()
            norms = []
            start = time.perf_counter()
            for _ in range(args.repeats):
                _, grads = read()
                norms.append(float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads))))
            seconds = time.perf_counter() - start
            rows.append({
                "experiment": f"gaussian-mixture {name}", "mode": mode, "seconds": seconds,
                "count": args.repeats, "unit": "gradient", "result": {"mean_grad_norm": float(np.mean(norms))},
            })
    return rows


# --------------------------------------------------------------- agreement ---

def agree(args):
    """TFP's log-densities and entropy terms at the points run.ts wrote, in float32 and float64."""
    with open(args.input) as fh:
        cases = json.load(fh)
    out = {"relaxedOneHot": [], "relaxedBernoulli": [], "entropy": []}
    for c in cases["relaxedOneHot"]:
        out["relaxedOneHot"].append({dt: tfd.RelaxedOneHotCategorical(
            temperature=np.array(c["temperature"], dt), logits=np.array(c["logits"], dt)
        ).log_prob(np.array(c["x"], np.float32).astype(dt)).numpy().tolist() for dt in ("float32", "float64")})
    for c in cases["relaxedBernoulli"]:
        out["relaxedBernoulli"].append({dt: tfd.RelaxedBernoulli(
            temperature=np.array(c["temperature"], dt), logits=np.array(c["logits"], dt)
        ).log_prob(np.array(c["x"], np.float32).astype(dt)).numpy().tolist() for dt in ("float32", "float64")})
    for c in cases["entropy"]:
        row = {}
        for dt in ("float32", "float64"):
            logits = np.array(c["logits"], dt)
            z = np.array(c["z"], np.float32).astype(dt)
            dc = tfd.OneHotCategorical(logits=logits, dtype=dt)
            z_hard = tf.one_hot(tf.argmax(z, -1), z.shape[-1], dtype=dt)
            row[dt] = {
                "discrete MC": float(-tf.reduce_mean(dc.log_prob(z_hard))),
                "eq.21": float(-tf.reduce_mean(dc.log_prob(z))),
                "Concrete MC": float(-tf.reduce_mean(tfd.RelaxedOneHotCategorical(
                    temperature=np.array(c["temperature"], dt), logits=logits).log_prob(z))),
                "eq.22": float(tfd.Categorical(logits=logits).entropy()),
            }
        out["entropy"].append(row)
    with open(args.output, "w") as fh:
        json.dump(out, fh)
    return {"written": args.output}


# -------------------------------------------------------- categorical VAE ---


def versions():
    return {"python": sys.version.split()[0], "tensorflow": tf.__version__, "tfp": tfp.__version__,
            "threads": {"intra": tf.config.threading.get_intra_op_parallelism_threads(),
                        "inter": tf.config.threading.get_inter_op_parallelism_threads()}}


COMMANDS = {"squared-error": squared_error, "relaxed-entropy": relaxed_entropy, "gaussian-mixture": gaussian_mixture,
            "agree": agree,
            **vae_commands(TfVae, lambda model, args: {"mode": args.mode, **model.time(args.mode, args.steps)})}


def build_parser():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    modes = lambda s: [m for m in s.split(",") if m]  # noqa: E731
    p = sub.add_parser("squared-error")
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--modes", type=modes, default=["eager", "function"])
    for name in ("relaxed-entropy", "gaussian-mixture"):
        p = sub.add_parser(name)
        p.add_argument("--repeats", type=int, default=50)
        p.add_argument("--warmup", type=int, default=5)
        p.add_argument("--modes", type=modes, default=["eager", "function"])
        if name == "gaussian-mixture":
            p.add_argument("--L1", type=int, default=100)
            p.add_argument("--L2", type=int, default=1000)
            p.add_argument("--tau", type=float, default=0.01)
    p = sub.add_parser("agree")
    p.add_argument("input")
    p.add_argument("output")
    add_vae_parsers(sub, {"choices": ["eager", "function"], "required": True})
    sub.add_parser("serve")
    return parser


if __name__ == "__main__":
    np.random.seed(0)
    tf.random.set_seed(0)
    main(build_parser(), COMMANDS, versions)
