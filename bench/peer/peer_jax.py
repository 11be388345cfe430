"""The JAX peer of bench/peer/run.ts: the experiments of peer.py, each step or estimate
one `jax.jit` function, our own code (no TFP: the Concrete density and the categorical
draws are written out). It runs in .venv-jax (setup-jax.sh), which holds jax alone.

    python peer_jax.py squared-error --steps 10000 --warmup 50
    python peer_jax.py relaxed-entropy --repeats 50 --warmup 5
    python peer_jax.py gaussian-mixture --repeats 50 --warmup 5
    python peer_jax.py serve      # as peer.py serve; also vae-load, vae-agree, vae-time (vae_jax.py)

Timing as in peer.py: `warmup` untimed calls (jit compiles on the first), then the timed
ones, each reading its value back to the host as the other sides do (which also waits
for JAX's asynchronous dispatch to finish the work).
"""
import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from peer_common import add_vae_parsers, main, vae_commands  # noqa: E402
from vae_jax import JaxVae  # noqa: E402

RECORD_EVERY = 500
MODE = "jit"


def one_hot_sample(key, logits, n):
    """n exact one-hot draws of Categorical(logits) (Gumbel-max inside jax.random.categorical)."""
    return jax.nn.one_hot(jax.random.categorical(key, logits, shape=(n,)), logits.shape[-1])


def hard(y):
    """Straight-through rounding: one-hot argmax forward, identity backward."""
    return y + jax.lax.stop_gradient(jax.nn.one_hot(jnp.argmax(y, -1), y.shape[-1]) - y)


def relaxed_sample(key, logits, temperature, n):
    """n Concrete samples softmax((logits + G) / temperature)."""
    return jax.nn.softmax((logits + jax.random.gumbel(key, (n, logits.shape[-1]))) / temperature)


# ---------------------------------------------------- squared-error toy ---

def squared_error(args):
    target = jnp.array([0.2, 0.7, 0.1])
    n, lr, tau = 1000, 0.01, 5.0

    def reinforce_loss(logits, key):
        y = one_hot_sample(key, logits, n)
        f = jnp.sum((y - target) ** 2, -1)
        log_q = jnp.sum(y * jax.nn.log_softmax(logits), -1)
        return jnp.mean(f * log_q), jnp.mean(f)

    def st_gumbel_loss(logits, key):
        loss = jnp.mean(jnp.sum((hard(relaxed_sample(key, logits, tau, n)) - target) ** 2, -1))
        return loss, loss

    rows = []
    for estimator, loss_fn in (("reinforce", reinforce_loss), ("st-gumbel-softmax", st_gumbel_loss)):
        @jax.jit
        def step(logits, key, loss_fn=loss_fn):
            key, sub = jax.random.split(key)
            grad, loss = jax.grad(loss_fn, has_aux=True)(logits, sub)
            return logits - lr * grad, key, loss

        logits, key = jnp.ones(3), jax.random.PRNGKey(0)
        for _ in range(args.warmup):
            logits, key, loss = step(logits, key)
        float(loss)
        logits, losses = jnp.ones(3), []
        start = time.perf_counter()
        for i in range(args.steps):
            logits, key, loss = step(logits, key)
            if i % RECORD_EVERY == 0 or i == args.steps - 1:
                losses.append(float(loss))
        seconds = time.perf_counter() - start
        rows.append({"experiment": f"squared-error {estimator}", "mode": MODE, "seconds": seconds, "count": args.steps,
                     "unit": "step", "result": {"final_probs": jax.nn.softmax(logits).tolist(), "last_loss": losses[-1]}})
    return rows


# ---------------------------------------------------- relaxed entropy ---

PROBS = np.array([0.5, 0.25, 0.125, 0.125], dtype=np.float32)


def concrete_log_density(alpha, x, tau):
    """log p(x) of the Concrete distribution for normalised logits alpha (Maddison et al. 2017, in log space)."""
    k = alpha.shape[-1]
    log_x = jnp.log(x)
    constant = math.lgamma(k) + (k - 1) * math.log(tau)
    return constant + jnp.sum(alpha - (tau + 1) * log_x, -1) - k * jax.nn.logsumexp(alpha - tau * log_x, -1)


def entropy_estimators(logits, n):
    alpha = jax.nn.log_softmax(logits)
    return {
        "discrete MC": lambda key, tau: -jnp.mean(jnp.sum(hard(relaxed_sample(key, logits, tau, n)) * alpha, -1)),
        "eq.21": lambda key, tau: -jnp.mean(jnp.sum(relaxed_sample(key, logits, tau, n) * alpha, -1)),
        "Concrete MC": lambda key, tau: -jnp.mean(concrete_log_density(alpha, relaxed_sample(key, logits, tau, n), tau)),
        "eq.22": lambda key, tau: -jnp.sum(jnp.exp(alpha) * alpha),
    }


def relaxed_entropy(args):
    logits = jnp.log(PROBS)
    rows = []
    for name, estimate in entropy_estimators(logits, 10_000).items():
        for tau in ((None,) if name == "eq.22" else (10.0, 1.0)):
            @jax.jit
            def call(key, estimate=estimate, tau=tau):
                key, sub = jax.random.split(key)
                return estimate(sub, tau), key

            key = jax.random.PRNGKey(0)
            for _ in range(args.warmup):
                value, key = call(key)
                float(value)
            values = []
            start = time.perf_counter()
            for _ in range(args.repeats):
                value, key = call(key)
                values.append(float(value))  # a user reads the number
            seconds = time.perf_counter() - start
            label = name if tau is None else f"{name} tau={tau:g}"
            rows.append({"experiment": f"relaxed-entropy {label}", "mode": MODE, "seconds": seconds,
                         "count": args.repeats, "unit": "estimate", "result": {"mean": float(np.mean(values))}})
    return rows


# ---------------------------------------------------- Gaussian mixture ---

def mixture_parameters(seed=1, dim=10, buckets=5):
    """The mixture's parameters, drawn as peer.py's Mixture draws them: log_P, A, B, C, D and the input X."""
    rs = np.random.RandomState(seed)
    normal = lambda *shape: jnp.asarray(rs.normal(0, 1, shape).astype(np.float32))  # noqa: E731
    params = [normal(1, buckets), normal(dim + buckets, 1), normal(1), normal(dim + buckets, 1), normal(1)]
    return params, normal(1, dim)


def mu_log_sigma(params, X, s):
    _, A, B, C, D = params
    x_s = jnp.concatenate([jnp.broadcast_to(X, (s.shape[0], X.shape[1])), s], axis=1)
    return jax.nn.sigmoid(x_s @ A + B), x_s @ C + D


def mean_square(mu, log_sigma, eps):
    """mean_j (mu + sigma eps_j)^2 through the draws' mean and variance, as peer.py and the library."""
    sigma = jnp.exp(log_sigma)
    return ((mu + sigma * jnp.mean(eps)) ** 2 + sigma ** 2 * jnp.var(eps)).reshape(-1)


def mixture_methods(X, L1, L2, tau, K):
    def elementary(params, key):
        eps = jax.random.normal(key, (1, L2))
        mu, log_sigma = mu_log_sigma(params, X, jnp.eye(K))
        value = jnp.sum(jax.nn.softmax(params[0]) @ mean_square(mu, log_sigma, eps)[:, None])
        return value, value

    def gumbel_softmax(params, key):
        k1, k2 = jax.random.split(key)
        eps = jax.random.normal(k1, (1, L2))
        g = -jnp.log(-jnp.log(jax.random.uniform(k2, (L1, K), minval=1e-7, maxval=1.0)))
        s = jax.nn.softmax((params[0] + g) / tau)
        value = jnp.mean(mean_square(*mu_log_sigma(params, X, s), eps))
        return value, value

    def log_trick(params, key):
        k1, k2 = jax.random.split(key)
        eps = jax.random.normal(k1, (1, L2))
        s = one_hot_sample(k2, jax.lax.stop_gradient(params[0][0]), L1)
        f = mean_square(*mu_log_sigma(params, X, s), eps)
        log_q = jnp.sum(s * jax.nn.log_softmax(params[0][0]), -1)
        return jnp.mean(f + jax.lax.stop_gradient(f) * log_q), jnp.mean(f)

    return {"elementary": elementary, "gumbel-softmax": gumbel_softmax, "log trick": log_trick}


def gaussian_mixture(args):
    params, X = mixture_parameters()
    rows = []
    for name, method in mixture_methods(X, args.L1, args.L2, args.tau, params[0].shape[1]).items():
        @jax.jit
        def call(key, method=method):
            key, sub = jax.random.split(key)
            grads, value = jax.grad(method, has_aux=True)(params, sub)
            return value, grads, key

        def read(key):  # a user reads every gradient back, as the other sides do
            value, grads, key = call(key)
            return float(value), [np.asarray(g) for g in grads], key

        key = jax.random.PRNGKey(0)
        for _ in range(args.warmup):
            _, _, key = read(key)
        norms = []
        start = time.perf_counter()
        for _ in range(args.repeats):
            _, grads, key = read(key)
            norms.append(float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads))))
        seconds = time.perf_counter() - start
        rows.append({"experiment": f"gaussian-mixture {name}", "mode": MODE, "seconds": seconds,
                     "count": args.repeats, "unit": "gradient", "result": {"mean_grad_norm": float(np.mean(norms))}})
    return rows


# -------------------------------------------------------- categorical VAE ---


def versions():
    return {"python": sys.version.split()[0], "jax": jax.__version__, "devices": [str(d) for d in jax.devices()]}


COMMANDS = {"squared-error": squared_error, "relaxed-entropy": relaxed_entropy, "gaussian-mixture": gaussian_mixture,
            **vae_commands(JaxVae, lambda model, args: {"mode": MODE, **model.time(args.steps)})}


def build_parser():
    """The arguments of peer.py's commands (--modes is accepted and ignored: JAX runs jit only)."""
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("squared-error")
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--modes", default=MODE)
    for name in ("relaxed-entropy", "gaussian-mixture"):
        p = sub.add_parser(name)
        p.add_argument("--repeats", type=int, default=50)
        p.add_argument("--warmup", type=int, default=5)
        p.add_argument("--modes", default=MODE)
        if name == "gaussian-mixture":
            p.add_argument("--L1", type=int, default=100)
            p.add_argument("--L2", type=int, default=1000)
            p.add_argument("--tau", type=float, default=0.01)
    add_vae_parsers(sub, {"default": MODE})
    sub.add_parser("serve")
    return parser


if __name__ == "__main__":
    main(build_parser(), COMMANDS, versions)
