/**
 * The entropy study (notebook 02): four estimates of the entropy term H(q) of one
 * categorical q, and of its gradient with respect to the logits, against the exact
 * values. The estimators live in `estimators/entropy/`; this folder runs them
 * repeatedly, summarises relaxed samples, and reads the numbers back. It also holds a
 * VAE small enough to enumerate, whose exact gradient the KL treatments are measured against.
 */
export { exactEntropy, surprisalStd, EntropyValueAndGrad } from './exact';
export { relaxedProportions, RelaxedProportions, categoricalFrequencies } from './samples';
export { repeatEntropyEstimates, RepeatedEntropyEstimates, ENTROPY_VARIANT_LABELS } from './repeat';
export { exactNegativeElbo, exactVaeGradient, trainByExactElbo, ExactElboRecord, ExactElboTrainingOptions, VaeGradient, MAX_LATENT_CONFIGURATIONS } from './tiny-vae';
export { repeatVaeGradients, VaeGradientOptions, RepeatedVaeGradients } from './vae-gradient-estimates';
