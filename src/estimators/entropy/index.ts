/**
 * Entropy and KL terms of a categorical q (the encoder of a discrete VAE), four ways,
 * all with one call shape (see ./registry):
 *
 * | variant                  | function (entropy / KL)                         | value at logits l, π = softmax(l)   |
 * |--------------------------|-------------------------------------------------|-------------------------------------|
 * | 'discrete-monte-carlo'   | discreteMonteCarloEntropy / discreteMonteCarloKL | −(1/n) Σ_i Σ_k ST(z_i)_k log π_k     |
 * | 'relaxed-log-mass'       | relaxedLogMassEntropy / relaxedLogMassKL (eq. 21) | −(1/n) Σ_i Σ_k z_ik log π_k          |
 * | 'concrete-monte-carlo'   | concreteMonteCarloEntropy / concreteMonteCarloKL | −(1/n) Σ_i log p_τ(z_i)              |
 * | 'analytic'               | categoricalEntropy / categoricalKL (eq. 22)      | −Σ_k π_k log π_k                     |
 *
 * with z_i ~ Concrete(l, τ) reparameterised, z = softmax((l + G)/τ), so every variant is
 * differentiable in the logits. The KL variants replace −log π_k by log π_k − log p_k
 * for a prior p (uniform by default), and the Concrete density by the density ratio.
 * The equation numbers are those of Maddison, Mnih & Teh 2017, "The Concrete distribution".
 *
 * Shapes: logits [...batch, K] → one value per independent variable, [...batch]
 * (a scalar for logits [K]); sum the result over the variables of a joint q.
 */
export { EntropyProblem, KLProblem } from './problem';
export { categoricalEntropy, categoricalKL, AnalyticOptions } from './analytic';
export { discreteMonteCarloEntropy, discreteMonteCarloKL } from './discrete-monte-carlo';
export { relaxedLogMassEntropy, relaxedLogMassKL } from './relaxed-log-mass';
export { concreteMonteCarloEntropy, concreteMonteCarloKL, ConcreteKLOptions } from './concrete-monte-carlo';
export {
  estimateEntropy, estimateKL, ENTROPY_VARIANTS, EntropyVariant, EntropyVariantOptions, KLVariantOptions, OptionsArgument,
} from './registry';
