/** Training: the SGD loop with history, and temperature schedules. */
export * from './schedules';
export * from './optimize';
export * from './mixture-runs';
export * from './stationary-point';
