// Print: plotly.js draws each chart at a fixed pixel size (the screen's), so a printed chart
// would keep the screen's width and be cut at the page's edge. Before printing (the browser's
// `beforeprint`, or the print media query turning on, as DevTools' print emulation does), each
// profile chart whose CSS names a print size (`--print-width` / `--print-height` in mm,
// assets/print.css) is redrawn at that size with print margins, a smaller font and no title
// (the figure's caption prints it); afterwards it is redrawn as it was.
(function () {
  const PX_PER_MM = 96 / 25.4;
  const PRINT_LAYOUT = { autosize: false };
  const PRINT_MARGIN = { t: 20, r: 20, b: 20, l: 42 };
  const PRINT_LEGEND = {
    orientation: "h", traceorder: "normal", x: 0, xanchor: "left", y: 1.0, yanchor: "bottom",
    font: { size: 7 },
  };
  let printing = false;
  const screens = new Map(); // graph -> its layout on screen, while printing

  function plotly() {
    const p = window.Plotly;
    return p && typeof p.react === "function" ? p : null;
  }

  function printSize(gd) {
    const style = window.getComputedStyle(gd.closest(".graph") || gd);
    const width = parseFloat(style.getPropertyValue("--print-width"));
    const height = parseFloat(style.getPropertyValue("--print-height"));
    if (!(width > 0 && height > 0)) {
      return null;
    }
    return [Math.floor(width * PX_PER_MM), Math.floor(height * PX_PER_MM)];
  }

  function printLayout(layout, size) {
    const print = JSON.parse(JSON.stringify(layout));
    return Object.assign(print, PRINT_LAYOUT, {
      width: size[0],
      height: size[1],
      title: Object.assign({}, print.title, { text: "", subtitle: { text: "" } }),
      margin: Object.assign({}, print.margin, PRINT_MARGIN),
      font: Object.assign({}, print.font, { size: 9 }),
      legend: Object.assign({}, print.legend, PRINT_LEGEND),
    });
  }

  // Plotly.react, not relayout: dcc.Graph answers a relayout event by drawing its figure
  // again. When it draws a chart again while printing anyway, `plotly_afterplot` refits it.
  function fit(gd) {
    const Plotly = plotly();
    const size = printSize(gd);
    if (!Plotly || !size || !gd.layout) {
      return;
    }
    if (gd.layout.width === size[0] && gd.layout.height === size[1]) {
      return;
    }
    screens.set(gd, JSON.parse(JSON.stringify(gd.layout)));
    Plotly.react(gd, gd.data, printLayout(gd.layout, size));
  }

  function fitAll() {
    document.querySelectorAll(".figure-block .js-plotly-plot").forEach(function (gd) {
      if (!gd.__printWatched && typeof gd.on === "function") {
        gd.__printWatched = true;
        gd.on("plotly_afterplot", function () {
          if (printing) {
            fit(gd);
          }
        });
      }
      fit(gd);
    });
  }

  // A chart Dash mounts anew while printing (a late page update) is fitted too.
  const observer = new MutationObserver(function () {
    if (printing) {
      fitAll();
    }
  });

  function toPrint() {
    printing = true;
    fitAll();
    observer.observe(document.body, { childList: true, subtree: true });
  }

  function toScreen() {
    const Plotly = plotly();
    printing = false;
    observer.disconnect();
    if (Plotly) {
      screens.forEach(function (layout, gd) {
        Plotly.react(gd, gd.data, layout);
      });
    }
    screens.clear();
  }

  window.addEventListener("beforeprint", toPrint);
  window.addEventListener("afterprint", toScreen);
  const media = window.matchMedia("print");
  media.addEventListener("change", function (event) {
    if (event.matches) {
      toPrint();
    } else {
      toScreen();
    }
  });
})();
