/**
 * discrete-gradients: Monte Carlo gradient estimators for discrete random
 * variables, on TensorFlow.js. Everything a notebook needs is exported here.
 */
import * as tf from '@tensorflow/tfjs';

/** TensorFlow.js itself, so that notebooks use the very instance the library uses. */
export { tf };
export * from './backend';
export * from './random';
export { describe as describeValue } from './validate';
export * from './distributions';
export { FactorizedDiscreteFlowsMixture } from './distributions/factorized-discrete-flows-mixture';
export * from './estimators';
export * from './train';
export * from './models';
export * from './data/mnist';
export * from './display';
