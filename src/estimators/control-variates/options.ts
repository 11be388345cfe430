/** The options of the two control variates, and the names each constructor accepts. */

/** Options of `RebarControlVariate`. */
export interface RebarControlVariateOptions {
  /** λ, the starting temperature of the relaxation inside the control variate; default 0.5. */
  temperature?: number;
  /** η, the starting scale of the control variate, the same for every logit; default 1. */
  scale?: number;
  /** Adam's step size for the tuning; default 0.01. */
  learningRate?: number;
}

/** Options of `RelaxControlVariate`. */
export interface RelaxControlVariateOptions extends RebarControlVariateOptions {
  /** H, the hidden units of the surrogate network; default 10. */
  hiddenUnits?: number;
  /** Seeds the network's first-layer weights; default 0. */
  seed?: number;
}

/** The option names of `RebarControlVariate`, so that a misspelt one is refused. */
export const REBAR_OPTION_NAMES: readonly string[] = ['temperature', 'scale', 'learningRate'];

/** The option names of `RelaxControlVariate`: REBAR's and the network's. */
export const RELAX_OPTION_NAMES: readonly string[] = [...REBAR_OPTION_NAMES, 'hiddenUnits', 'seed'];
