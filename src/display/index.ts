export { ChartSpec, renderSvg, normaliseIds } from './render';
export { show, showMarkdown, chartBundle, describeChart, chartDirectory, VEGA_LITE_MIME } from './show';
export { inJupyter, sendBundle, MimeBundle } from './jupyter';
export { LiveDisplay } from './live';
export {
  Row, BaseOptions, lineChart, LineOptions, barChart, BarOptions, histogram, binDensity, HistogramOptions,
  scatter, ScatterOptions, heatmap, HeatmapOptions, simplexHistogram, simplexDensityGrid, histogramSlider, HistogramSliderOptions,
} from './charts';
