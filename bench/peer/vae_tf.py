"""The categorical VAE training step in TensorFlow 2, the Python peer of the library's
`trainVae` step (bench/peer/vae-row.ts): encoder 784-256-(N*K), ST Gumbel-Softmax codes,
decoder (N*K)-256-784 with Bernoulli pixels, the analytic KL to a uniform prior, Keras'
Adam; written the way a TensorFlow user would, eager or inside one tf.function.

Both sides do the same work a step: gather a batch of 100, draw Gumbel noise, forward
and backward, sum every gradient to test that it is finite (as trainVae does before it
applies a step), read the loss back to the host, and apply Adam only if all is finite.
"""
import math
import time

import numpy as np
import tensorflow as tf

from peer_common import relative_differences
from synthetic_digits import synthetic_digits

TINY = np.finfo(np.float32).tiny  # uniforms start above 0, so -log(-log u) is finite


def objective(variables, x, gumbel, shape, temperature):
    """The negative ELBO estimate of the batch: mean of -log p(x | ST(y)) plus the analytic KL."""
    enc_w0, enc_w1, enc_b0, enc_b1, dec_w0, dec_w1, dec_b0, dec_b1 = variables
    n, k = shape
    logits = tf.reshape(tf.nn.relu(x @ enc_w0 + enc_b0) @ enc_w1 + enc_b1, [-1, n, k])
    log_pi = tf.nn.log_softmax(logits)
    y = tf.nn.softmax((log_pi + gumbel) / temperature)
    z = y + tf.stop_gradient(tf.one_hot(tf.argmax(y, -1), k, dtype=y.dtype) - y)  # straight-through
    pixel_logits = tf.nn.relu(tf.reshape(z, [-1, n * k]) @ dec_w0 + dec_b0) @ dec_w1 + dec_b1
    log_likelihood = tf.reduce_sum(x * pixel_logits - tf.nn.softplus(pixel_logits), -1)
    kl = tf.reduce_sum(tf.exp(log_pi) * (log_pi + math.log(k)), [-2, -1])
    return tf.reduce_mean(-log_likelihood) + tf.reduce_mean(kl)


class TfVae:
    def __init__(self, args, names, weights):
        self.names = names
        self.shape = (args.latents, args.categories)
        self.temperature = args.temperature
        self.batch = args.batch
        self.variables = [tf.Variable(w, name=name.replace("/", "_")) for name, w in zip(names, weights)]
        self.data = tf.constant(synthetic_digits(args.digits))
        self.optimizer = tf.keras.optimizers.Adam(learning_rate=args.learning_rate)
        self.optimizer.build(self.variables)
        self.order = np.random.default_rng(0)
        self.compiled = tf.function(self.guarded_step)

    def gradients(self, x, gumbel):
        with tf.GradientTape() as tape:
            loss = objective(self.variables, x, gumbel, self.shape, self.temperature)
        grads = tape.gradient(loss, self.variables)
        return loss, grads, tf.add_n([tf.reduce_sum(g) for g in grads])

    def noise(self):
        u = tf.random.uniform([self.batch, *self.shape], minval=TINY, maxval=1.0)
        return -tf.math.log(-tf.math.log(u))

    def eager_step(self, index):
        loss, grads, total = self.gradients(tf.gather(self.data, index), self.noise())
        loss_value, total_value = tf.stack([loss, total]).numpy()  # one download, as trainVae
        if np.isfinite(loss_value) and np.isfinite(total_value):
            self.optimizer.apply_gradients(zip(grads, self.variables))
        return loss_value

    def guarded_step(self, index):
        loss, grads, total = self.gradients(tf.gather(self.data, index), self.noise())
        if tf.math.is_finite(loss) and tf.math.is_finite(total):  # autograph: a tf.cond in the graph
            self.optimizer.apply_gradients(zip(grads, self.variables))
        return loss

    def batches(self, steps):
        count = self.data.shape[0]
        indices = np.concatenate([self.order.permutation(count) for _ in range(steps * self.batch // count + 1)])
        return [tf.constant(indices[i * self.batch:(i + 1) * self.batch], tf.int32) for i in range(steps)]

    def time(self, mode, steps):
        """Seconds for `steps` steps, after one untimed step (as the TS side drops its first)."""
        step = self.eager_step if mode == "eager" else (lambda i: float(self.compiled(i)))
        batches = self.batches(steps + 1)
        step(batches[0])
        start = time.perf_counter()
        for index in batches[1:]:
            loss = step(index)
        return {"seconds": time.perf_counter() - start, "count": steps, "unit": "step", "last_loss": float(loss)}

    def agree(self, gumbel, ts_loss, ts_grads):
        """Loss and gradients at the TS side's weights, first batch and noise, against the TS values."""
        loss, grads, _ = self.gradients(self.data[: self.batch], tf.constant(gumbel.reshape(self.batch, *self.shape)))
        return {"loss": float(loss), "loss_difference": float(loss) - ts_loss,
                "gradient_relative_differences": relative_differences(self.names, [g.numpy() for g in grads], ts_grads)}
