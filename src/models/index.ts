/** The models the seeds use. */
export * from './seed-000';
export * from './gaussian-mixture';
export * from './gaussian-mixture-gradients';
export * from './toy-argmax';
export * from './entropy-study';
