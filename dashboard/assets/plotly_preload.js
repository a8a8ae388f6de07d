// Start loading plotly.js when the page asks for its layout instead of after the
// layout arrives, so the browser downloads and runs it while the server builds the layout; and
// load the dashboard's own partial bundle (assets/vendor/plotly-entry.js), a third of the full one.
// dcc.Graph waits on `Promise.resolve(window.Plotly || <load plotly.js>)`: until plotly.js has
// run, window.Plotly is a promise of it, so the graph waits for this load instead of starting a
// second one. plotly.js replaces window.Plotly with itself when it runs. Charts below the
// viewport are drawn after the first ones (assets/plot_later.js).
(function () {
  const BUNDLE = "plotly-4.1.1-investin.min.js"; // assets/vendor/plotly-entry.js: the traces we draw
  const path = window.location.pathname;
  if (window.Plotly || /\/(data|about)\/?$/.test(path)) {
    return; // pages without figures load plotly.js only if a figure asks for it
  }
  const node = document.getElementById("_dash-config");
  const config = node ? JSON.parse(node.textContent) : {};
  const prefix = config.requests_pathname_prefix || "/";
  const full = prefix + "_dash-component-suites/plotly/package_data/plotly.min.js";
  let pending = null;
  function load(url, next, resolve, reject) {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = script.onerror = function () {
      if (window.Plotly && window.Plotly !== pending) {
        if (window.investinPlotLater) window.investinPlotLater.install(window.Plotly);
        resolve(window.Plotly);
      } else if (next) {
        load(next, null, resolve, reject); // the partial bundle failed: Dash's full plotly.js
      } else {
        window.Plotly = undefined;
        reject(new Error("plotly.js did not load from " + url));
      }
    };
    document.head.appendChild(script);
  }
  // Run plotly.js while the server builds the page: start when the renderer sends its first
  // callback (the page layout), not earlier, where it would delay the renderer's own start-up.
  const fetch = window.fetch;
  let start = null;
  pending = new Promise(function (resolve, reject) {
    start = function () {
      if (start) {
        start = null;
        window.fetch = fetch;
        load(prefix + "assets/vendor/" + BUNDLE, full, resolve, reject);
      }
    };
  });
  window.Plotly = pending;
  window.fetch = function (input) {
    const answer = fetch.apply(this, arguments);
    if (start && String((input && input.url) || input).indexOf("_dash-update-component") !== -1) {
      start();
    }
    return answer;
  };
  setTimeout(function () {
    if (start) start();
  }, 3000); // a page that sends no callback
})();
