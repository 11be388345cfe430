"""The categorical VAE training step in JAX, one `jax.jit` function: the same network,
ST Gumbel-Softmax codes, analytic KL, Adam and guard as vae_tf.py and the library's
`trainVae` step. Adam is written out (the update of TensorFlow.js' and Keras' Adam,
epsilon 1e-7) rather than taken from optax, so this venv needs jax alone.
"""
import math
import time

import jax
import jax.numpy as jnp
import numpy as np

from peer_common import relative_differences
from synthetic_digits import synthetic_digits

BETA1, BETA2, EPSILON = 0.9, 0.999, 1e-7


def objective(params, x, gumbel, shape, temperature):
    """The negative ELBO estimate of the batch: mean of -log p(x | ST(y)) plus the analytic KL."""
    enc_w0, enc_w1, enc_b0, enc_b1, dec_w0, dec_w1, dec_b0, dec_b1 = params
    n, k = shape
    logits = (jax.nn.relu(x @ enc_w0 + enc_b0) @ enc_w1 + enc_b1).reshape(-1, n, k)
    log_pi = jax.nn.log_softmax(logits)
    y = jax.nn.softmax((log_pi + gumbel) / temperature)
    z = y + jax.lax.stop_gradient(jax.nn.one_hot(jnp.argmax(y, -1), k, dtype=y.dtype) - y)  # straight-through
    pixel_logits = jax.nn.relu(z.reshape(-1, n * k) @ dec_w0 + dec_b0) @ dec_w1 + dec_b1
    log_likelihood = jnp.sum(x * pixel_logits - jax.nn.softplus(pixel_logits), -1)
    kl = jnp.sum(jnp.exp(log_pi) * (log_pi + math.log(k)), (-2, -1))
    return jnp.mean(-log_likelihood) + jnp.mean(kl)


def adam(params, grads, m, v, t, learning_rate):
    """One Adam step (Kingma & Ba 2015) with bias-corrected moments, as TensorFlow.js writes it."""
    m = [BETA1 * mi + (1 - BETA1) * g for mi, g in zip(m, grads)]
    v = [BETA2 * vi + (1 - BETA2) * g * g for vi, g in zip(v, grads)]
    c1, c2 = 1 - BETA1 ** t, 1 - BETA2 ** t
    params = [p - learning_rate * (mi / c1) / (jnp.sqrt(vi / c2) + EPSILON) for p, mi, vi in zip(params, m, v)]
    return params, m, v


class JaxVae:
    def __init__(self, args, names, weights):
        self.names = names
        self.shape = (args.latents, args.categories)
        self.batch = args.batch
        self.data = jnp.asarray(synthetic_digits(args.digits))
        self.order = np.random.default_rng(0)
        shape, temperature, learning_rate, batch = self.shape, args.temperature, args.learning_rate, args.batch
        self.value_and_grad = jax.jit(jax.value_and_grad(
            lambda p, x, g: objective(p, x, g, shape, temperature)))

        def step(state, data, index):
            params, m, v, t, key = state
            key, sub = jax.random.split(key)
            gumbel = jax.random.gumbel(sub, (batch, *shape))
            loss, grads = jax.value_and_grad(objective)(params, data[index], gumbel, shape, temperature)
            total = sum(jnp.sum(g) for g in grads)
            ok = jnp.isfinite(loss) & jnp.isfinite(total)  # the guard: a step that is not finite is not applied
            new_params, new_m, new_v = adam(params, grads, m, v, t + 1, learning_rate)
            keep = lambda new, old: [jnp.where(ok, a, b) for a, b in zip(new, old)]  # noqa: E731
            return (keep(new_params, params), keep(new_m, m), keep(new_v, v), jnp.where(ok, t + 1, t), key), loss

        self.step = jax.jit(step)
        params = [jnp.asarray(w) for w in weights]
        zeros = [jnp.zeros_like(p) for p in params]
        self.state = (params, zeros, [jnp.zeros_like(p) for p in params], jnp.float32(0), jax.random.PRNGKey(0))

    def batches(self, steps):
        count = self.data.shape[0]
        indices = np.concatenate([self.order.permutation(count) for _ in range(steps * self.batch // count + 1)])
        return [jnp.asarray(indices[i * self.batch:(i + 1) * self.batch], jnp.int32) for i in range(steps)]

    def time(self, steps):
        """Seconds for `steps` steps, after one untimed step; the loss is read back every step."""
        batches = self.batches(steps + 1)
        self.state, loss = self.step(self.state, self.data, batches[0])
        float(loss)
        start = time.perf_counter()
        for index in batches[1:]:
            self.state, loss = self.step(self.state, self.data, index)
            last = float(loss)  # a host read each step, as trainVae and vae_tf.py do
        return {"seconds": time.perf_counter() - start, "count": steps, "unit": "step", "last_loss": last}

    def agree(self, gumbel, ts_loss, ts_grads):
        """Loss and gradients at the TS side's weights, first batch and noise, against the TS values."""
        loss, grads = self.value_and_grad(self.state[0], self.data[: self.batch], jnp.asarray(gumbel.reshape(self.batch, *self.shape)))
        return {"loss": float(loss), "loss_difference": float(loss) - ts_loss,
                "gradient_relative_differences": relative_differences(self.names, [np.asarray(g) for g in grads], ts_grads)}
