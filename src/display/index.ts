export { ChartSpec, renderSvg, normaliseIds } from './render';
export { show, chartBundle, describeChart, chartDirectory, VEGA_LITE_MIME } from './show';
export { inJupyter, sendBundle, MimeBundle } from './jupyter';
export { LiveDisplay } from './live';
export * from './charts';
