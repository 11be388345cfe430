/** The models the seeds use. */
export * from './seed-000';
export * from './gaussian-mixture';
export * from './gaussian-mixture-gradients';
export * from './toy-argmax';
export * from './gradient-statistics';
export * from './vae';
export * from './entropy-study';
export * from './seed-003';
export * from './gaussian-reparameterisation';
