/**
 * The entropy variants as functions of their own, the `entropy` namespace of the
 * public API: `entropy.analytic(logits)`, `entropy.discreteMonteCarlo(problem, options)`, …
 * Each is `estimateEntropy(variant, …)` for one variant; the names are the variants'.
 */
export { categoricalEntropy as analytic } from './analytic';
export { discreteMonteCarloEntropy as discreteMonteCarlo } from './discrete-monte-carlo';
export { relaxedLogMassEntropy as relaxedLogMass } from './relaxed-log-mass';
export { concreteMonteCarloEntropy as concreteMonteCarlo } from './concrete-monte-carlo';
