/* Draws every chart of the page with the locally served Vega bundle.
 * Each chart is a <div class="kursk-chart"> holding its Vega-Lite spec in a
 * <script type="application/json"> element (see kursk/charts.py). Nothing is
 * loaded from any other host. */
(function () {
  "use strict";
  function draw() {
    var charts = document.querySelectorAll("div.kursk-chart");
    charts.forEach(function (div) {
      var holder = div.querySelector("script.kursk-chart-spec");
      if (!holder || div.dataset.drawn) { return; }
      var spec = JSON.parse(holder.textContent);
      var target = document.createElement("div");
      target.className = "kursk-chart-canvas";
      div.appendChild(target);
      window.vegaEmbed(target, spec, {
        actions: false,
        renderer: "svg",
        tooltip: { theme: "light" }
      }).then(function () {
        div.dataset.drawn = "true";
        var fallback = div.querySelector(".kursk-chart-fallback");
        if (fallback) { fallback.hidden = true; }
      }).catch(function (error) {
        console.error("kursk chart " + div.id + " failed to draw: " + error);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
