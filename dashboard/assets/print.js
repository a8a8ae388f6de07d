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
  let saved = null; // [graph, its screen layout] while the print layout is drawn

  function plotly() {
    const p = window.Plotly;
    return p && typeof p.relayout === "function" ? p : null;
  }

  function printSize(gd) {
    const style = window.getComputedStyle(gd.closest(".graph") || gd);
    const width = parseFloat(style.getPropertyValue("--print-width"));
    const height = parseFloat(style.getPropertyValue("--print-height"));
    return width > 0 && height > 0 ? [width * PX_PER_MM, height * PX_PER_MM] : null;
  }

  // Plotly.react, not relayout: dcc.Graph answers a relayout event by drawing its figure again.
  function toPrint() {
    const Plotly = plotly();
    if (saved || !Plotly) {
      return;
    }
    saved = [];
    document.querySelectorAll(".figure-block .js-plotly-plot").forEach(function (gd) {
      const size = printSize(gd);
      if (!size || !gd.layout) {
        return;
      }
      const screen = JSON.parse(JSON.stringify(gd.layout));
      const print = JSON.parse(JSON.stringify(gd.layout));
      Object.assign(print, PRINT_LAYOUT, {
        width: Math.floor(size[0]),
        height: Math.floor(size[1]),
        title: Object.assign({}, print.title, { text: "", subtitle: { text: "" } }),
        margin: Object.assign({}, print.margin, PRINT_MARGIN),
        font: Object.assign({}, print.font, { size: 9 }),
        legend: Object.assign({}, print.legend, PRINT_LEGEND),
      });
      saved.push([gd, screen]);
      Plotly.react(gd, gd.data, print);
    });
  }

  function toScreen() {
    const Plotly = plotly();
    if (!saved || !Plotly) {
      return;
    }
    saved.forEach(function (entry) {
      Plotly.react(entry[0], entry[0].data, entry[1]);
    });
    saved = null;
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
