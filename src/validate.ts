/**
 * Argument checks shared by the whole library. Every message has the same shape,
 * `fn: argument must be <rule>, but got <value>`, so a user can find the call that
 * went wrong without reading the library.
 */

/**
 * Formats a received value for an error message, keeping NaN, Infinity and arrays
 * readable. It never throws, whatever it is given (a null-prototype object, a
 * revoked proxy, a throwing getter), because it runs on the error path.
 */
export function describe(value: unknown): string {
  try {
    return describeUnsafe(value);
  } catch {
    return 'a value that cannot be shown';
  }
}

function describeUnsafe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return 'a symbol';
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map(describeUnsafe).join(', ');
    return `[${shown}${value.length > 8 ? ', …' : ''}]`;
  }
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  if ('shape' in value && Array.isArray((value as { shape: unknown }).shape)) {
    const tensor = value as { shape: number[]; isDisposed?: boolean; dtype?: string };
    const state = tensor.isDisposed ? 'a disposed tensor' : 'a tensor';
    return `${state} of shape [${tensor.shape.join(', ')}]`;
  }
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as ArrayLike<number>;
    return `a ${value.constructor.name} [${Array.from(view).slice(0, 8).map(describeUnsafe).join(', ')}${view.length > 8 ? ', …' : ''}]`;
  }
  const proto = Object.getPrototypeOf(value);
  // An object with its own toString (the library's Received, a Date) says what it is.
  if (proto !== null && proto !== Object.prototype && typeof (value as object).toString === 'function' &&
      (value as object).toString !== Object.prototype.toString) {
    return String(value);
  }
  const className = proto === null ? '' : proto.constructor?.name;
  if (className && className !== 'Object') return `a ${className}`;
  const keys = Object.keys(value);
  return keys.length === 0 ? 'an empty object' : `an object with keys {${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}}`;
}

/**
 * The most float32 entries one call may allocate for a single array: 2^28, i.e. 1 GiB.
 * Sizes are checked against it before anything is allocated, so a mistyped size is a
 * named error rather than an exhausted machine.
 */
export const MAX_ENTRIES = 2 ** 28;

/**
 * Checks that a product of sizes (such as numSamples × event size) stays within
 * `limit` entries; `what` names the product in the message.
 */
export function checkBudget(fn: string, what: string, size: number, limit = MAX_ENTRIES): void {
  if (!(size <= limit)) fail(fn, what, `at most ${limit} entries in all`, size);
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

/**
 * An optional argument's value, or `fallback` when it is left out. Only `undefined`
 * counts as left out: `null` is passed on to the checks (and refused there), so that a
 * null never silently means "the default".
 */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * Checks an options object: a plain object (not an array, a tensor or a function) whose
 * keys are all among `known`, so that a misspelt option is an error instead of a
 * silently used default. `undefined` is allowed when the whole object is optional.
 */
export function checkOptionsObject(fn: string, arg: string, value: unknown, known: readonly string[], optional = false): void {
  if (value === undefined && optional) return;
  const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null) fail(fn, arg, `an object {${known.join(', ')}}`, value);
  const unknown = Object.keys(value as object).find((key) => !known.includes(key));
  if (unknown !== undefined) fail(fn, arg, `an object whose keys are among {${known.join(', ')}}`, new UnknownKey(unknown));
}

/** How a misspelt key is shown: 'the unknown key "decy"'. */
class UnknownKey {
  constructor(private readonly key: string) {}
  toString(): string {
    return `the unknown key ${JSON.stringify(this.key)}`;
  }
}
