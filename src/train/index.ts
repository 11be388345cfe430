export { optimize, OptimizeOptions, TrainingHistory, TrainingRecord, historyRows } from './optimize';
export { TemperatureSchedule, constantTemperature, exponentialAnnealing, ExponentialAnnealingOptions } from './schedules';
