/* Draws every chart of the page with the locally served Vega runtime (vega.js).
 *
 * Each chart is a <div class="kursk-chart"> with a compiled Vega spec (see
 * kursk/charts/theme.py): in the book, in the script of the page's specs named by the
 * div's data-spec attribute, which calls kurskSpec(id, spec) for each chart of the page
 * (see kursk/sphinxext.py); in a
 * notebook, inline in a <script type="application/json" class="kursk-chart-spec">.
 * Nothing is loaded from any other host.
 *
 * - Width: a chart never overflows its column. In a narrow column its panels stack
 *   in one column and its legends list one entry a line; then every width in the
 *   spec is shrunk until the drawing fits. Redrawn when the column changes width.
 * - Colour scheme: the chart follows the book's light or dark theme (the
 *   data-theme attribute of <html>), and is redrawn when the reader switches.
 * - Tooltips: text only (textContent), so nothing from the data can become markup.
 * - Speed: the text comes first. The Vega runtime (vega.js, beside this script) is
 *   fetched only when a chart comes near the window, and each chart is drawn when the
 *   reader nears it, one at a time. window.kurskCharts.drawAll() draws every chart now.
 *
 * THEMES is filled in from kursk.charts.theme.browser_themes() when the book is built.
 */
(function () {
  "use strict";
  var THEMES = __KURSK_THEMES__;
  var MIN_WIDTH = 120;

  function isDark() {
    return document.documentElement.dataset.theme === "dark";
  }

  /* Walk a spec, leaving its data alone; call fn(object, key) on every property. */
  function walk(node, fn) {
    if (Array.isArray(node)) {
      node.forEach(function (child) { walk(child, fn); });
    } else if (node && typeof node === "object") {
      Object.keys(node).forEach(function (key) {
        if (key === "data" || key === "values") { return; }
        fn(node, key);
        walk(node[key], fn);
      });
    }
  }

  function themed(spec, dark) {
    if (!dark) { return spec; }
    var colours = THEMES.dark.colours;
    var swap = function (value) {
      return typeof value === "string" && colours.hasOwnProperty(value.toLowerCase())
        ? colours[value.toLowerCase()] : value;
    };
    walk(spec, function (obj, key) {
      if (Array.isArray(obj[key])) {
        obj[key] = obj[key].map(swap);
      } else {
        obj[key] = swap(obj[key]);
      }
    });
    spec.background = THEMES.dark.background;
    return spec;
  }

  /* Break a title into lines of at most `most` characters. */
  function wrap(text, most) {
    var lines = [], line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > most) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  /* How many characters of a title fit a width (about 0.6 em a character). */
  function fits(width, size) {
    return Math.max(12, Math.floor(width / ((size || 13) * 0.6)));
  }

  /* In a narrow column: panels in one column, titles and labels wrapped to the width of
     the plot they belong to (a signal, so that they follow when fit() shrinks it). */
  function narrowed(spec, width) {
    var plot = "width";
    (spec.signals || []).some(function (s) {
      if (/(^|_)width$/.test(s.name) && typeof s.value === "number") { plot = s.name; return true; }
      return false;
    });
    var chars = function (size) { return "max(12, floor(" + plot + " / " + (size * 0.6) + "))"; };
    var domains = {};
    walk(spec, function (obj, key) {
      if (key === "scales" && Array.isArray(obj.scales)) {
        obj.scales.forEach(function (scale) {
          if (Array.isArray(scale.domain)) { domains[scale.name] = scale.domain.map(String); }
        });
      }
    });
    walk(spec, function (obj, key) {
      if (key === "layout" && obj.layout && typeof obj.layout.columns === "number") {
        obj.layout.columns = 1;
      }
      var title = obj[key];
      if (key === "title" && title && typeof title === "object" && obj !== spec) {
        // a panel heading of a facet, whose text is a signal
        if (title.text && typeof title.text.signal === "string") {
          title.text = { signal: "kurskWrap(" + title.text.signal + ", " + chars(title.fontSize || 13) + ")" };
        }
      } else if (key === "title" && obj === spec && title && typeof title.text === "string") {
        title.text = wrap(title.text, fits(width - 16, title.fontSize || 15));
      } else if (key === "title" && typeof title === "string" && obj.orient && obj.scale) {
        // an axis title
        title = obj.orient === "left" || obj.orient === "right" ? null : title;
        if (title) { obj.title = { signal: "kurskWrap(" + JSON.stringify(title) + ", " + chars(13) + ")" }; }
      }
      // Legends list one entry a line, their labels wrapped; the rows are spaced for the
      // longest label (legends do not grow a row for a label of several lines).
      if (key === "legends" && Array.isArray(obj.legends)) {
        obj.legends.forEach(function (legend) {
          var most = fits(width * 0.5, 12);
          var lines = 1;
          ["fill", "stroke", "shape"].forEach(function (channel) {
            (domains[legend[channel]] || []).forEach(function (label) {
              lines = Math.max(lines, wrap(label, most).length);
            });
          });
          legend.columns = 1;
          legend.direction = "vertical";
          legend.labelLimit = width;
          legend.rowPadding = (lines - 1) * 15 + 2;
          var enc = legend.encode = legend.encode || {};
          var labels = enc.labels = enc.labels || {};
          labels.update = labels.update || {};
          labels.update.text = { signal: "kurskWrap(datum.label, " + most + ")" };
        });
      }
      // Labels beside points are cut short (with an ellipsis; the tooltip has them whole).
      if (key === "type" && obj.type === "text" && obj.encode && !obj.role) {
        ["enter", "update"].forEach(function (phase) {
          var enc = obj.encode[phase];
          if (enc && enc.align && enc.align.value === "left") { enc.limit = { value: Math.round(width * 0.4) }; }
        });
      }
    });
    return spec;
  }

  /* The signals that set a width: the view's own, and each panel's of a facet or concat. */
  function widthSignals(view, spec) {
    var names = [];
    (spec.signals || []).forEach(function (s) {
      if (/(^|_)width$/.test(s.name) && typeof s.value === "number") { names.push(s.name); }
    });
    if (!names.length && typeof spec.width === "number") { names.push("width"); }
    return names.filter(function (name) {
      try { return typeof view.signal(name) === "number"; } catch (e) { return false; }
    });
  }

  /* Shrink every width until the drawing fits the column (at most three passes). */
  function fit(view, spec, canvas, available) {
    var names = widthSignals(view, spec);
    var pass = function (n) {
      var svg = canvas.querySelector("svg");
      var drawn = svg ? svg.getBoundingClientRect().width : 0;
      if (!names.length || drawn <= available + 1 || n === 0) { return Promise.resolve(); }
      var widest = Math.max.apply(null, names.map(function (name) { return view.signal(name); }));
      var room = widest - (drawn - available);
      if (room >= widest) { return Promise.resolve(); }
      var factor = Math.max(room, MIN_WIDTH) / widest;
      names.forEach(function (name) {
        view.signal(name, Math.max(MIN_WIDTH, Math.floor(view.signal(name) * factor)));
      });
      return view.resize().runAsync().then(function () { return pass(n - 1); });
    };
    return pass(3);
  }

  var tip = null;
  function tooltip(handler, event, item, value) {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "kursk-tooltip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    if (value === null || value === undefined || value === "") {
      tip.classList.remove("visible");
      return;
    }
    tip.textContent = "";
    var rows = (typeof value === "object") ? Object.keys(value).map(function (k) { return [k, value[k]]; })
      : [[null, value]];
    rows.forEach(function (row) {
      var line = document.createElement("div");
      if (row[0] !== null) {
        var key = document.createElement("span");
        key.className = "key";
        key.textContent = row[0] + ": ";
        line.appendChild(key);
      }
      line.appendChild(document.createTextNode(String(row[1])));
      tip.appendChild(line);
    });
    tip.classList.add("visible");
    var x = event.clientX + 12, y = event.clientY + 12;
    var box = tip.getBoundingClientRect();
    if (x + box.width > window.innerWidth - 4) { x = Math.max(4, window.innerWidth - box.width - 4); }
    if (y + box.height > window.innerHeight - 4) { y = Math.max(4, event.clientY - box.height - 12); }
    tip.style.left = (x + window.scrollX) + "px";
    tip.style.top = (y + window.scrollY) + "px";
  }

  /* The chart's spec, as text (each drawing parses a fresh copy). The book's pages load
     the specs of all their charts in one script (see kursk/sphinxext.py), once, which
     calls kurskSpec(id, spec) for each chart. */
  var specs = {}, scripts = {};
  window.kurskSpec = function (id, spec) { specs[id] = spec; };
  function loadScript(src) {
    if (!scripts[src]) {
      scripts[src] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("could not load " + src)); };
        document.head.appendChild(script);
      });
    }
    return scripts[src];
  }
  function specOf(div) {
    if (div._spec) { return div._spec; }
    var holder = div.querySelector("script.kursk-chart-spec");
    div._spec = holder ? Promise.resolve(holder.textContent) : loadScript(div.dataset.spec).then(function () {
      if (!specs.hasOwnProperty(div.id)) { throw new Error(div.dataset.spec + " has no spec for " + div.id); }
      return JSON.stringify(specs[div.id]);
    });
    return div._spec;
  }

  /* Draw one chart in the current theme at the current column width. A chart that still
     overflows after fit() is drawn again in its narrow form. */
  function draw(div, forceNarrow) {
    return specOf(div).then(function (text) { return drawSpec(div, text, forceNarrow); });
  }

  function drawSpec(div, text, forceNarrow) {
    var available = div.clientWidth;
    var dark = isDark();
    if (!forceNarrow && div._kursk && div._kursk.width === available && div._kursk.dark === dark) {
      return Promise.resolve();
    }
    if (div._kursk) { div._kursk.view.finalize(); }
    div.querySelectorAll(".kursk-chart-canvas, .kursk-chart-bindings").forEach(function (el) { el.remove(); });
    var narrow = forceNarrow || available < THEMES.narrow;
    var spec = themed(JSON.parse(text), dark);
    if (narrow) { spec = narrowed(spec, available); }
    var canvas = document.createElement("div");
    canvas.className = "kursk-chart-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", div.getAttribute("aria-label") || "Chart");
    var bindings = document.createElement("div");
    bindings.className = "kursk-chart-bindings";
    div.appendChild(canvas);
    div.appendChild(bindings);
    var view = new window.vega.View(window.vega.parse(spec), {
      renderer: "svg", container: canvas, bind: bindings, hover: true, tooltip: tooltip
    });
    div._kursk = { view: view, width: available, dark: dark };
    return view.runAsync().then(function () {
      return fit(view, spec, canvas, available);
    }).then(function () {
      var svg = canvas.querySelector("svg");
      if (!narrow && svg && svg.getBoundingClientRect().width > available + 1) {
        return drawSpec(div, text, true);
      }
      if (svg) { svg.setAttribute("aria-hidden", "true"); }
      // Labels at the edge of a narrow chart can still stick out by a little: then the
      // drawing is scaled down to the column, if that keeps its text at least 3/4 size.
      var drawn = svg ? svg.getBoundingClientRect().width : 0;
      if (svg && drawn > available + 1 && available / drawn >= 0.75) {
        svg.style.width = available + "px";
        svg.style.height = "auto";
      }
      // A chart that still scrolls inside its box can be scrolled from the keyboard.
      if (div.scrollWidth > div.clientWidth + 1) { div.tabIndex = 0; } else { div.removeAttribute("tabindex"); }
      div.dataset.drawn = "true";
      var fallback = div.querySelector(".kursk-chart-fallback");
      if (fallback) { fallback.hidden = true; }
    }).catch(function (error) {
      console.error("kursk chart " + div.id + " failed to draw: " + error);
    });
  }

  var here = document.currentScript ? document.currentScript.src : "";
  var runtime = null;
  function loadVega() {
    if (!runtime) {
      runtime = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = here.replace(/kursk-charts\.js(\?.*)?$/, "vega.js");
        script.onload = function () {
          window.vega.expressionFunction("kurskWrap", function (text, most) { return wrap(text, most); });
          resolve();
        };
        script.onerror = function () { reject(new Error("could not load " + script.src)); };
        document.head.appendChild(script);
      });
    }
    return runtime;
  }

  /* Draw the given charts one after another, each in a task of its own. */
  var queue = Promise.resolve();
  function drawSome(divs) {
    queue = queue.then(loadVega).then(function () {
      return divs.reduce(function (done, div) {
        return done.then(function () {
          return new Promise(function (resolve) { setTimeout(resolve, 0); });
        }).then(function () { return draw(div, false); });
      }, Promise.resolve());
    }).catch(function (error) { console.error("kursk charts: " + error); });
    return queue;
  }

  function charts() { return Array.prototype.slice.call(document.querySelectorAll("div.kursk-chart")); }
  function drawn() { return charts().filter(function (div) { return div._kursk; }); }

  function drawAll() { return drawSome(charts()); }

  function start() {
    window.kurskCharts = { drawAll: drawAll };
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        var near = entries.filter(function (e) { return e.isIntersecting; }).map(function (e) {
          observer.unobserve(e.target);
          return e.target;
        });
        if (near.length) { drawSome(near); }
      }, { rootMargin: "800px 0px" });
      charts().forEach(function (div) { observer.observe(div); });
    } else {
      drawAll();
    }
    // Redraw what is drawn when the reader switches theme or the column changes width.
    new MutationObserver(function () { drawSome(drawn()); }).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-theme"] });
    var pending = null, lastWidth = window.innerWidth;
    window.addEventListener("resize", function () {
      if (window.innerWidth === lastWidth) { return; }
      lastWidth = window.innerWidth;
      clearTimeout(pending);
      pending = setTimeout(function () { drawSome(drawn()); }, 200);
    });
  }

  // After the page has loaded and painted: the charts never hold up the text.
  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
})();
