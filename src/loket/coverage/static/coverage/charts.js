// Draws every chart whose spec the page holds in a JSON island (plotly.js from our own server).
document.querySelectorAll("script[data-chart]").forEach(function (island) {
  var spec = JSON.parse(island.textContent);
  Plotly.newPlot(island.dataset.chart, spec.data, spec.layout, {displaylogo: false, responsive: true, locale: "id"});
});
