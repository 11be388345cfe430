/**
 * The estimator zoo (notebook 07): problems small enough to enumerate, every estimator
 * compared on them at equal cost, control variates tuned before they are measured, and
 * SGD on each estimator's estimates.
 */
export { ZooProblem, squaredErrorToy, thresholdToy, coupledBernoulli, coupledCategorical } from './problems';
export { ZooEntry, ZooRow, CompareOptions, compareAtEqualCost, samplesForBudget } from './compare';
export { tuneControlVariate, TuningOptions, TuningReport } from './tuning';
export { descendOnEstimates, DescentEntry, DescentOptions, DescentRecord, DescentRun } from './descent';
