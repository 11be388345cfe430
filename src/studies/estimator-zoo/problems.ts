/**
 * Problems small enough to enumerate, on which every estimator of the zoo is measured
 * against the exact gradient. Each is a `GradientProblem` with plain-number logits,
 * plus a name and a one-line description for tables.
 */
import * as tf from '@tensorflow/tfjs';
import { GradientProblem } from '../../estimators/problem';
import { checkPositiveInteger, fail } from '../../validate';
import { SQUARED_ERROR_CATEGORICAL_TARGET, SQUARED_ERROR_INITIAL_LOGITS, squaredErrorLoss } from '../squared-error/problem';

/** A named benchmark problem. */
export interface ZooProblem {
  name: string;
  description: string;
  problem: GradientProblem;
}

/**
 * E_q[Σ_k (y_k − t_k)²] for one categorical of K = 3 with t = (0.2, 0.7, 0.1), from
 * uniform logits: the toy of the REINFORCE-against-Gumbel-Softmax notebook.
 *
 * @example
 * const { grad } = exact(squaredErrorToy().problem);  // [3]
 * grad.print();
 * grad.dispose();
 */
export function squaredErrorToy(): ZooProblem {
  return {
    name: 'squared-error toy',
    description: 'one categorical, K = 3, loss Σ_k (y_k − t_k)², t = (0.2, 0.7, 0.1)',
    problem: {
      logits: SQUARED_ERROR_INITIAL_LOGITS.slice(),
      family: 'categorical',
      loss: squaredErrorLoss(SQUARED_ERROR_CATEGORICAL_TARGET),
    },
  };
}

/**
 * E_b[(b − t)²] for one Bernoulli b, the toy of the REBAR and RELAX papers. With
 * t = 0.499 the two outcomes' losses differ by 0.002, so the gradient is tiny next to
 * the loss itself: the case where REINFORCE without a good baseline drowns in noise.
 * Logits [1]; the loss gets b [n, 1] and returns [n].
 *
 * @example
 * const toy = thresholdToy(0.499);
 * const { grad } = exact(toy.problem);  // σ'(0)·(1 − 2·0.499) = 5e-4
 * grad.print();
 * grad.dispose();
 */
export function thresholdToy(target = 0.499, logit = 0): ZooProblem {
  if (!Number.isFinite(target)) fail('thresholdToy', 'target', 'a finite number', target);
  if (!Number.isFinite(logit)) fail('thresholdToy', 'logit', 'a finite number', logit);
  return {
    name: `(b − ${target})²`,
    description: `one Bernoulli, loss (b − ${target})², logit ${logit}`,
    problem: {
      logits: [logit],
      family: 'bernoulli',
      loss: (b: tf.Tensor) => tf.tidy(() => tf.sum(tf.square(tf.sub(b, target)), 1)),
    },
  };
}

/**
 * D Bernoulli variables and a loss that couples them: the squared distance of their
 * mean from 0.45 plus a pairwise term, (mean(b) − 0.45)² + 0.2·b_1·b_2·…, so no
 * estimator can treat the variables one at a time. Logits spread over [−1, 1].
 * 2^D outcomes: D up to 16 is enumerated exactly. Logits [D].
 *
 * @example
 * const zoo = coupledBernoulli(12);
 * const { grad, lossEvaluations } = exact(zoo.problem);  // 4096 loss evaluations
 * grad.dispose();
 */
export function coupledBernoulli(numVariables = 12): ZooProblem {
  const D = checkPositiveInteger('coupledBernoulli', 'numVariables', numVariables);
  if (D < 2 || D > 16) fail('coupledBernoulli', 'numVariables', 'a whole number in [2, 16] (2^D outcomes are enumerated)', D);
  const logits = Array.from({ length: D }, (_, i) => -1 + (2 * i) / (D - 1));
  return {
    name: `${D} coupled Bernoulli`,
    description: `${D} Bernoulli variables, loss (mean b − 0.45)² + 0.2 · Σ_i b_i b_(i+1) / D`,
    problem: {
      logits,
      family: 'bernoulli',
      loss: (b: tf.Tensor) => tf.tidy(() => {
        const mean = tf.mean(b, 1);
        const neighbours = tf.mul(b.slice([0, 0], [-1, D - 1]), b.slice([0, 1], [-1, D - 1]));
        return tf.add(tf.square(tf.sub(mean, 0.45)), tf.mul(tf.sum(neighbours, 1), 0.2 / D));
      }),
    },
  };
}

/**
 * N categorical variables of K categories with a loss that does not separate: the
 * squared distance of the sum of their one-hot vectors from a target count vector.
 * K^N outcomes (81 for the default N = 4, K = 3). Logits [N, K].
 *
 * @example
 * const zoo = coupledCategorical(4, 3);
 * const { grad } = exact(zoo.problem);  // [4, 3]
 * grad.dispose();
 */
export function coupledCategorical(numVariables = 4, numCategories = 3): ZooProblem {
  const N = checkPositiveInteger('coupledCategorical', 'numVariables', numVariables);
  const K = checkPositiveInteger('coupledCategorical', 'numCategories', numCategories);
  if (K < 2) fail('coupledCategorical', 'numCategories', 'at least 2', K);
  if (K ** N > 65_536) fail('coupledCategorical', 'numVariables and numCategories', 'such that K^N ≤ 65536 (outcomes are enumerated)', `${N} and ${K}`);
  const logits = Array.from({ length: N }, (_, n) => Array.from({ length: K }, (_, k) => Math.sin(1 + n * K + k)));
  const target = Array.from({ length: K }, (_, k) => (N * (k + 1)) / ((K * (K + 1)) / 2));
  return {
    name: `${N} coupled categorical (K = ${K})`,
    description: `${N} categorical variables, K = ${K}, loss ‖Σ_n y_n − c‖² / N with c = (${target.map((c) => c.toFixed(2)).join(', ')})`,
    problem: {
      logits,
      family: 'categorical',
      loss: (y: tf.Tensor) => tf.tidy(() => tf.div(tf.sum(tf.square(tf.sub(tf.sum(y, 1), target)), 1), N)),
    },
  };
}
