/** The categorical VAE on MNIST digits (Jang et al. 2017, Maddison et al. 2017). */
export { Mlp } from './mlp';
export { CategoricalVae, CategoricalVaeConfig, VAE_CONFIGS } from './categorical-vae';
export { vaeObjective, vaeKlTerm, VaeObjectiveOptions, VAE_ESTIMATORS, VaeEstimator, VAE_KL_TERMS, VaeKlTerm } from './objective';
export { evaluateVae, EvaluateOptions, VaeEvaluation } from './evaluate';
export { trainVae, TrainVaeOptions, VaeHistory, vaeHistoryRows, vaeHeldOutRows } from './train';
export { reconstructDigits, samplePrior, imageRows, ImageRow } from './generate';
