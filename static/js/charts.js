// Draws every chart whose figure the page carries as JSON (<script type="application/json">).
// The table under each chart holds the same numbers, so the page reads fine without this.
(function () {
  "use strict";
  var YEAR_LABEL_PX = 44;  // a year at the charts' 13 px font, with room around it
  var NARROW_PX = 560;     // below this a chart's box is a phone's

  function yearRange(figure) {
    var years = [];
    figure.data.forEach(function (trace) {
      if (trace.type === "scatter") { years = years.concat(trace.x || []); }
    });
    if (!years.length) { return null; }
    return [Math.min.apply(null, years), Math.max.apply(null, years)];
  }

  // The figure as charts.py built it, fitted to the box's width: on a yearly axis every n-th
  // year is labelled so that the labels never meet or turn, and on a phone the chart grows
  // taller by the height of its legend, which then stands one entry to a line.
  function fitted(figure, width) {
    var layout = JSON.parse(JSON.stringify(figure.layout));
    var range = yearRange(figure);
    if (layout.xaxis && layout.xaxis.dtick === 1 && range) {
      var plotWidth = Math.max(width - 90, 100);  // less the value axis, its title and margins
      var years = range[1] - range[0] + 1;
      layout.xaxis.ticklabelstep = Math.max(1, Math.ceil(years * YEAR_LABEL_PX / plotWidth));
      layout.xaxis.tick0 = range[0];  // the first year (often the baseline's) keeps its label
    }
    if (width < NARROW_PX && layout.showlegend !== false) {
      var entries = figure.data.filter(function (trace) { return trace.showlegend !== false; }).length;
      layout.height = (layout.height || 340) + 20 * entries;
    }
    return layout;
  }

  // A part broken down by categories: its selector shows the total with every category, the
  // categories of one dimension, one category, or the total alone. A trace of a category carries
  // {group, key} in its meta (reports/dashboards/charts.py); the others always show.
  function shown(trace, choice) {
    var meta = trace.meta;
    if (!meta || !meta.key || choice === "") { return true; }
    if (choice === "none") { return false; }
    if (choice.indexOf("group:") === 0) { return meta.group === choice.slice(6); }
    return meta.key === choice.slice(4);
  }

  // Drawn again whole (Plotly.react) with the fitted layout: a restyle after a resize's relayout
  // let plotly size the chart from its box, which collapsed it over the table below.
  function connectSelector(container, figure, config) {
    var chartId = container.getAttribute("data-figure").replace(/-data$/, "");
    var select = document.querySelector('select[data-series-select="' + chartId + '"]');
    if (!select) { return; }
    select.closest(".series-select").hidden = false;
    select.addEventListener("change", function () {
      var data = figure.data.map(function (trace) {
        return Object.assign({}, trace, { visible: shown(trace, select.value) });
      });
      window.Plotly.react(container, data, fitted(figure, container.clientWidth), config);
    });
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var config = { displayModeBar: false, responsive: true };
    var width = container.clientWidth;
    window.Plotly.newPlot(container, figure.data, fitted(figure, width), config).then(function () {
      container.setAttribute("data-drawn", "true");
      connectSelector(container, figure, config);
      // Plotly's drawing is a picture described by the figure's caption; its SVG has nothing
      // for keyboard or screen-reader users that the table does not say in words.
      container.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
    });
    // A phone turned sideways, a window resized: fit the labels and the height again.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (Math.abs(container.clientWidth - width) < 8 || !container.hasAttribute("data-drawn")) { return; }
        width = container.clientWidth;
        window.Plotly.relayout(container, fitted(figure, width));
      }).observe(container);
    }
  }

  // All at once, as the page's deferred scripts run: every chart is drawn by the load event.
  document.querySelectorAll("[data-figure]").forEach(draw);
})();
