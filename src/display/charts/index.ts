export { Row, BaseOptions } from './common';
export { lineChart, LineOptions } from './line';
export { barChart, BarOptions } from './bar';
export { histogram, binDensity, HistogramOptions } from './histogram';
export { scatter, ScatterOptions } from './scatter';
export { heatmap, HeatmapOptions } from './heatmap';
export { simplexHistogram, simplexDensityGrid } from './simplex';
export { histogramSlider, HistogramSliderOptions } from './slider';
