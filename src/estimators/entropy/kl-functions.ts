/**
 * The KL variants as functions of their own, the `kl` namespace of the public API:
 * `kl.analytic(logits, priorLogits?)`, `kl.concreteMonteCarlo(problem, options)`, …
 * Each is `estimateKL(variant, …)` for one variant; the names are the variants'.
 */
export { categoricalKL as analytic } from './analytic';
export { discreteMonteCarloKL as discreteMonteCarlo } from './discrete-monte-carlo';
export { relaxedLogMassKL as relaxedLogMass } from './relaxed-log-mass';
export { concreteMonteCarloKL as concreteMonteCarlo } from './concrete-monte-carlo';
