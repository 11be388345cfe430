/**
 * The learned control variates of REBAR and RELAX: state that the caller owns, passes
 * to every call of `rebar` or `relax`, and that each call tunes by one Adam step down
 * the estimator's variance.
 */
export { RebarControlVariateOptions, RelaxControlVariateOptions } from './options';
export { ControlVariateLayout, layoutFor, MAX_PARAMETERS } from './layout';
export { TunableControlVariate } from './tunable-control-variate';
export { RebarControlVariate } from './rebar-control-variate';
export { RelaxControlVariate } from './relax-control-variate';
