// Replaces the static SVG of each chart by a live Vega-Lite chart, drawn with the
// vega, vega-lite and vega-embed files copied into the site (no network).
// Without JavaScript, or if anything here fails, the SVG stays where it is.
(function () {
  'use strict';
  function embedAll() {
    var charts = document.querySelectorAll('.site-chart');
    if (typeof vegaEmbed !== 'function') {
      if (charts.length) console.warn('vega-embed did not load; charts stay static');
      return;
    }
    Array.prototype.forEach.call(charts, function (chart) {
      var specNode = chart.querySelector('script.site-chart-spec');
      var live = chart.querySelector('.site-chart-live');
      if (!specNode || !live) return;
      var spec;
      try {
        spec = JSON.parse(specNode.textContent);
      } catch (err) {
        chart.setAttribute('data-chart-error', String(err));
        return;
      }
      vegaEmbed(live, spec, { renderer: 'svg', actions: false, mode: 'vega-lite' })
        .then(function () {
          chart.classList.add('site-chart-is-live');
        })
        .catch(function (err) {
          live.textContent = '';
          chart.setAttribute('data-chart-error', String(err && err.message ? err.message : err));
          console.error('chart failed to render live; the static SVG is kept', err);
        });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', embedAll);
  else embedAll();
})();
