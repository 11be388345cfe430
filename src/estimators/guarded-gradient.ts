/**
 * Autodiff that survives a throwing function. An exception raised while TensorFlow.js
 * records the tape leaves the tape's scopes open, and the tensors recorded so far are
 * never freed (5 or 6 per failed call of a pathwise estimator). So the user's code runs
 * behind a guard: an error is caught inside the recording, the tape is closed normally
 * on a zero stand-in value, everything is freed, and then the error is thrown again.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * `tf.valueAndGrad(f)(x)`, except that if `f` throws, nothing is left allocated and
 * the same error is thrown.
 */
export function guardedValueAndGrad(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor): { value: tf.Scalar; grad: tf.Tensor } {
  let failure: { error: unknown } | undefined;
  const guarded = (input: tf.Tensor): tf.Scalar => {
    try {
      return f(input);
    } catch (error) {
      failure = { error };
      // A value that depends on the input, so the backward pass has a path to run.
      return tf.mul(tf.sum(input), 0) as tf.Scalar;
    }
  };
  const { value, grad } = tf.valueAndGrad(guarded)(x);
  if (failure !== undefined) {
    tf.dispose([value, grad]);
    throw failure.error;
  }
  return { value, grad };
}

/**
 * `tf.variableGrads(f, variables)` with the same guard: a throwing `f` leaves nothing
 * allocated and its error is thrown again.
 */
export function guardedVariableGrads(f: () => tf.Scalar, variables: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  let failure: { error: unknown } | undefined;
  const guarded = (): tf.Scalar => {
    try {
      return f();
    } catch (error) {
      failure = { error };
      return tf.addN(variables.map((v) => tf.mul(tf.sum(v), 0))) as tf.Scalar;
    }
  };
  const { value, grads } = tf.variableGrads(guarded, variables);
  if (failure !== undefined) {
    tf.dispose([value, ...Object.values(grads)]);
    throw failure.error;
  }
  return { value, grads };
}
