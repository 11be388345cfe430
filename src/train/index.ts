export { LoopOptions, MAX_TRAINING_STEPS } from './loop';
export { historyRows, HistoryRow } from './history-rows';
export { optimize, OptimizeOptions, TrainingRecord } from './optimize';
export { TemperatureSchedule, constantTemperature, exponentialAnnealing, ExponentialAnnealingOptions } from './schedules';
