/**
 * discrete-gradients: Monte Carlo gradient estimators for discrete random
 * variables, on TensorFlow.js. Everything a notebook needs is exported here.
 */
export * from './backend';
export * from './random';
export { describe as describeValue } from './validate';
