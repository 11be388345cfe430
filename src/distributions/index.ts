/**
 * The distributions, named as in TensorFlow Probability: two discrete ones and their
 * continuous relaxations (Concrete / Gumbel-Softmax).
 */
export { OneHotCategorical } from './one-hot-categorical';
export { Bernoulli } from './bernoulli';
export { RelaxedOneHotCategorical } from './relaxed-one-hot-categorical';
export { RelaxedBernoulli } from './relaxed-bernoulli';
export { LogitsOrProbs, SIMPLEX_TOLERANCE } from './parameters';
export { NestedNumbers, TensorInput } from './checks';
