/**
 * The entropy study (notebook 02): four estimates of the entropy term H(q) of one
 * categorical q, and of its gradient with respect to the logits, against the exact
 * values. The estimators live in `estimators/entropy/`; this folder runs them
 * repeatedly, summarises relaxed samples, and reads the numbers back.
 */
export { exactEntropy, surprisalStd, EntropyValueAndGrad } from './exact';
export { relaxedProportions, RelaxedProportions, categoricalFrequencies } from './samples';
export { repeatEntropyEstimates, RepeatedEntropyEstimates, ENTROPY_VARIANT_LABELS } from './repeat';
