// Draws every chart whose figure the page carries as JSON (<script type="application/json">).
// The table under each chart holds the same numbers, so the page reads fine without this.
(function () {
  "use strict";
  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var config = { displayModeBar: false, responsive: true };
    window.Plotly.newPlot(container, figure.data, figure.layout, config).then(function () {
      container.setAttribute("data-drawn", "true");
      // Plotly's drawing is a picture described by the figure's caption; its SVG has nothing
      // for keyboard or screen-reader users that the table does not say in words.
      container.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
    });
  }
  document.querySelectorAll("[data-figure]").forEach(draw);
})();
