/**
 * Where each parameter of a REBAR or RELAX control variate sits in its one flat vector,
 * and how many parameters one may hold.
 */
import { MAX_ENTRIES } from '../../validate';

/**
 * Where each parameter of a control variate sits in its flat vector of `size` numbers,
 * for logits of `d` entries and `hidden` units H (0 for REBAR):
 *
 *     [η (d) | log λ (1) | W₁ (d × H, row-major) | b₁ (H) | w₂ (H) | b₂ (1)]
 *
 * `logTemperature`, `w1`, `b1`, `w2` and `b2` are offsets into the vector; REBAR has no
 * network, so its network offsets all equal `size`. This is the order of the values
 * that `parametersFor` returns and of the gradient that `step` takes.
 */
export interface ControlVariateLayout {
  /** d, the number of logits; the d scales η start the vector. */
  d: number;
  /** H, the hidden units of RELAX's surrogate network; 0 for REBAR. */
  hidden: number;
  /** The offset of log λ (always d). */
  logTemperature: number;
  /** The offset of the network's first-layer weights W₁ [d, H]. */
  w1: number;
  /** The offset of its first-layer biases b₁ [H]. */
  b1: number;
  /** The offset of its output weights w₂ [H]. */
  w2: number;
  /** The offset of its output bias b₂. */
  b2: number;
  /** The number of parameters: d + 1 for REBAR, d + 1 + (d + 2)·H + 1 for RELAX. */
  size: number;
}

/**
 * The most parameters one control variate holds: it keeps three float64 copies (values
 * and Adam's two moments) and uploads a float32 one, 28 bytes each, within the 1 GiB budget.
 */
export const MAX_PARAMETERS = MAX_ENTRIES / 8;

/** The layout for logits of d entries and H hidden units (0: REBAR's, with no network). */
export function layoutFor(d: number, hidden: number): ControlVariateLayout {
  const logTemperature = d, w1 = d + 1, b1 = w1 + d * hidden, w2 = b1 + hidden, b2 = w2 + hidden;
  return { d, hidden, logTemperature, w1, b1, w2, b2, size: hidden > 0 ? b2 + 1 : d + 1 };
}
