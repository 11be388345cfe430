/**
 * Adam's update (Kingma & Ba 2015) on host float64 arrays: the control variates hold a
 * few hundred parameters, too few to be worth a tensor per step.
 */

/** Adam's usual constants; ε keeps the step finite where the second moment is still 0. */
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Adam's state: the parameters and both moments, all of one length, updated in place. */
export interface AdamState {
  values: Float64Array;
  firstMoment: Float64Array;
  secondMoment: Float64Array;
}

/**
 * Step `t` (1 for the first) of Adam down `gradient`, in place. The caller has checked
 * that the gradient has one finite number per parameter.
 */
export function adamStep(state: AdamState, gradient: ArrayLike<number>, t: number, learningRate: number): void {
  const { beta1, beta2, epsilon } = ADAM;
  const { values, firstMoment, secondMoment } = state;
  for (let i = 0; i < gradient.length; i++) {
    firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * gradient[i];
    secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * gradient[i] ** 2;
    const mean = firstMoment[i] / (1 - beta1 ** t), square = secondMoment[i] / (1 - beta2 ** t);
    values[i] -= (learningRate * mean) / (Math.sqrt(square) + epsilon);
  }
}
