/**
 * Argument checks shared by the whole library. Every message has the same shape,
 * `fn: argument must be <rule>, but got <value>`, so a user can find the call that
 * went wrong without reading the library.
 */

/** Formats a received value for an error message, keeping NaN, Infinity and arrays readable. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map(describe).join(', ');
    return `[${shown}${value.length > 8 ? ', …' : ''}]`;
  }
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'object' && 'shape' in (value as object)) {
    return `a tensor of shape [${(value as { shape: number[] }).shape.join(', ')}]`;
  }
  return String(value);
}

/** Throws the library's standard argument error. */
export function fail(fn: string, arg: string, rule: string, value: unknown): never {
  throw new Error(`${fn}: ${arg} must be ${rule}, but got ${describe(value)}`);
}

/** Checks a strictly positive, finite number, such as a temperature or a learning rate. */
export function checkPositive(fn: string, arg: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(fn, arg, 'a finite number > 0', value);
  }
  return value;
}

/** Checks a whole number ≥ 1, such as a sample count. */
export function checkPositiveInteger(fn: string, arg: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(fn, arg, 'a whole number ≥ 1', value);
  }
  return value;
}

/** Checks a whole number in [0, limit), such as a category index. */
export function checkIndex(fn: string, arg: string, value: number, limit: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= limit) {
    fail(fn, arg, `a whole number in [0, ${limit})`, value);
  }
  return value;
}

/** Checks that a list of numbers holds only finite values. */
export function checkFiniteValues(fn: string, arg: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      fail(fn, arg, 'finite everywhere', `${describe(values[i])} at flat index ${i}`);
    }
  }
}
