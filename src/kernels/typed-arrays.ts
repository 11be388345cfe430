/**
 * What a fused kernel needs of a backend: float32 views of its input tensors, new
 * float32 outputs, and a way to free intermediates. The `cpu` backend keeps a tensor's
 * values in a JavaScript typed array; the `wasm` backend keeps them on its WebAssembly
 * heap, reached through the backend's `dataIdMap` (`typedArrayFromHeap`, `makeOutput`).
 *
 * On wasm a view is a window on the heap, and the heap's buffer is replaced when it
 * grows, which any allocation can do: a kernel allocates all its outputs first and takes
 * its views after.
 */
import * as tf from '@tensorflow/tfjs';

/** The part of tfjs-backend-cpu's backend the kernels use. */
interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
}

/** The part of tfjs-backend-wasm's backend the kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId): boolean;
}

/** Float32 tensors on one backend, as typed arrays. */
export interface Float32Store {
  /** A view of a float32 tensor's values: read it, or fill an output made by `allocate`. */
  view(info: tf.TensorInfo): Float32Array;
  /** A new float32 tensor of `shape`, its values not yet set. */
  allocate(shape: number[]): tf.TensorInfo;
  /** Frees a tensor the kernel made for itself. */
  free(info: tf.TensorInfo): void;
}

/** The typed-array access of the `cpu` backend. */
export function cpuStore(backend: unknown): Float32Store {
  const b = backend as CpuBackend;
  return {
    view: (info) => b.data.get(info.dataId).values as Float32Array,
    allocate: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(sizeOf(shape))),
    free: (info) => b.disposeIntermediateTensorInfo(info),
  };
}

/** The typed-array access of the `wasm` backend. */
export function wasmStore(backend: unknown): Float32Store {
  const b = backend as WasmBackend;
  return {
    view: (info) => b.typedArrayFromHeap(info),
    allocate: (shape) => b.makeOutput(shape, 'float32'),
    free: (info) => { b.disposeData(info.dataId); },
  };
}

/** The number of entries of a shape. */
export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
