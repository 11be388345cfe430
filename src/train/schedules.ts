/**
 * Temperature schedules: functions from the training step t = 0, 1, 2, … to τ.
 *
 * Lower τ makes Gumbel-Softmax samples closer to one-hot (less bias) but their
 * gradients noisier; annealing starts warm and cools, as in [2] Jang et al. 2017.
 */
import { checkPositive, checkPositiveInteger, fail } from '../validate';

/** A temperature schedule: step (a whole number ≥ 0) → τ > 0. */
export type TemperatureSchedule = (step: number) => number;

function checkStep(fn: string, step: number): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) fail(fn, 'step', 'a whole number ≥ 0', step);
  return step;
}

/**
 * The same τ at every step.
 *
 * @example
 * const schedule = constantTemperature(5);
 * schedule(0) === schedule(9999);  // true, both 5
 */
export function constantTemperature(temperature: number): TemperatureSchedule {
  const tau = checkPositive('constantTemperature', 'temperature', temperature);
  return (step: number) => {
    checkStep('constantTemperature', step);
    return tau;
  };
}

/** Options of `exponentialAnnealing`. */
export interface ExponentialAnnealingOptions {
  /** τ0, the temperature at step 0; finite, > 0. Default 1, as in [2]. */
  initial?: number;
  /** r ≥ 0, the decay rate per step. [2] used r ∈ {1e−5, 1e−4}. */
  rate: number;
  /** τmin > 0, the floor. Default 0.5, as in [2]. */
  minimum?: number;
  /** N ≥ 1: τ changes only every N steps. Default 1 (every step); [2] used 500. */
  every?: number;
}

/**
 * Exponential annealing, τ(t) = max(τ0·exp(−r·t′), τmin), where t′ = N·⌊t/N⌋ is the
 * step rounded down to a multiple of N, so τ is piecewise constant (the schedule of [2]).
 *
 * @example
 * const schedule = exponentialAnnealing({ initial: 5, rate: 1e-3, minimum: 0.5, every: 100 });
 * schedule(0);    // 5
 * schedule(199);  // 5·e^(−0.1) ≈ 4.524  (t′ = 100)
 * schedule(1e5);  // 0.5, the floor
 */
export function exponentialAnnealing(options: ExponentialAnnealingOptions): TemperatureSchedule {
  const fn = 'exponentialAnnealing';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {initial, rate, minimum, every}', options);
  const initial = checkPositive(fn, 'initial', options.initial ?? 1);
  const minimum = checkPositive(fn, 'minimum', options.minimum ?? 0.5);
  const every = checkPositiveInteger(fn, 'every', options.every ?? 1);
  const rate = options.rate;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) fail(fn, 'rate', 'a finite number ≥ 0', rate);
  if (minimum > initial) fail(fn, 'minimum', `at most initial (${initial})`, minimum);
  return (step: number) => {
    const held = every * Math.floor(checkStep(fn, step) / every);
    return Math.max(initial * Math.exp(-rate * held), minimum);
  };
}

/** Turns `number | schedule` into a schedule, checking a constant on the way. */
export function toSchedule(fn: string, temperature: number | TemperatureSchedule): TemperatureSchedule {
  if (typeof temperature === 'function') return temperature;
  checkPositive(fn, 'temperature', temperature);
  return constantTemperature(temperature);
}
