/**
 * The distributions, named as in TensorFlow Probability: two discrete ones, their
 * continuous relaxations (Concrete / Gumbel-Softmax), and the mixture of discrete
 * normalizing flows (MDNF). All five share the `Distribution` interface.
 */
export { Distribution, DistributionOptions } from './distribution';
export { OneHotCategorical } from './one-hot-categorical';
export { Bernoulli } from './bernoulli';
export { RelaxedOneHotCategorical } from './relaxed-one-hot-categorical';
export { RelaxedBernoulli } from './relaxed-bernoulli';
export {
  FactorizedDiscreteFlowsMixture, FactorizedDiscreteFlowsMixtureOptions, MDNF_EPSILON,
} from './factorized-discrete-flows-mixture';
export { LogitsOrProbs, SIMPLEX_TOLERANCE } from './parameters';
export { NestedNumbers, TensorInput } from './checks';
