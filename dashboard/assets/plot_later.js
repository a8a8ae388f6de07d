// Draw the charts a page can show first: a chart's first drawing (dcc.Graph's Plotly.react on
// an empty element) waits until the chart is near the viewport, and the charts further down are
// drawn one at a time when the browser is idle, so the first chart on screen is not held back
// by every chart of the page being drawn in one long task. A chart that is already drawn (a new
// figure from a callback, print.js and phone.js redrawing it) is drawn at once, and
// printing draws every waiting chart first. assets/plotly_preload.js installs this on the
// plotly.js it loads (`window.investinPlotLater.install(Plotly)`).
(function () {
  const MARGIN = "200px 0px"; // "near the viewport": this much below (and above) it
  const IDLE_TIMEOUT_MS = 500; // a chart below waits at most this long for an idle moment
  const waiting = new Map(); // element -> {run, near: true | false | null (not yet known)}
  let observer = null;
  let scheduled = false; // a task to draw the next chart
  let idleScheduled = false; // an idle callback to draw the next chart below

  function inDomOrder(a, b) {
    return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  }

  function next() {
    const ready = Array.from(waiting.keys()).filter((gd) => waiting.get(gd).near !== null);
    const near = ready.filter((gd) => waiting.get(gd).near).sort(inDomOrder);
    if (near.length) return [near[0], true];
    const unknown = waiting.size > ready.length;
    return ready.length && !unknown ? [ready.sort(inDomOrder)[0], false] : [null, false];
  }

  function draw(gd) {
    const job = waiting.get(gd);
    waiting.delete(gd);
    if (observer) observer.unobserve(gd);
    if (job) job.run();
  }

  function pump() {
    scheduled = false;
    const [gd, near] = next();
    if (!gd) return;
    if (near) {
      draw(gd);
      schedule(false);
    } else {
      schedule(true);
    }
  }

  // One chart per task: a near chart in the next task, a chart below in an idle period (a
  // chart coming near meanwhile does not wait for that idle period).
  function schedule(idle) {
    if (!waiting.size) return;
    if (idle) {
      if (idleScheduled) return;
      idleScheduled = true;
      if (window.requestIdleCallback) {
        window.requestIdleCallback(drawBelow, { timeout: IDLE_TIMEOUT_MS });
      } else {
        setTimeout(drawBelow, 50);
      }
    } else if (!scheduled) {
      scheduled = true;
      setTimeout(pump, 0);
    }
  }

  function drawBelow() {
    idleScheduled = false;
    const [gd] = next();
    if (gd) draw(gd);
    schedule(false);
  }

  function seen(entries) {
    entries.forEach(function (entry) {
      const job = waiting.get(entry.target);
      if (job) job.near = entry.isIntersecting;
    });
    schedule(false);
  }

  function drawAll() {
    Array.from(waiting.keys()).sort(inDomOrder).forEach(draw);
  }

  function install(Plotly) {
    if (!Plotly || typeof Plotly.react !== "function" || Plotly.react.__later) return;
    if (!window.IntersectionObserver) return;
    observer = new IntersectionObserver(seen, { rootMargin: MARGIN });
    const react = Plotly.react;
    const later = function (gd) {
      const args = arguments;
      const drawn = !(gd instanceof Element) || gd._fullLayout || !gd.isConnected;
      if (drawn || window.matchMedia("print").matches) {
        return react.apply(Plotly, args);
      }
      return new Promise(function (resolve, reject) {
        const job = waiting.get(gd);
        if (job) {
          job.args = args; // a newer figure before the first was drawn: draw only the newer
          job.settle.push([resolve, reject]);
          return;
        }
        const fresh = { args: args, settle: [[resolve, reject]], near: null };
        fresh.run = function () {
          const done = (i) => (value) => fresh.settle.forEach((pair) => pair[i](value));
          if (!gd.isConnected) return done(0)(); // the page changed meanwhile
          Promise.resolve(react.apply(Plotly, fresh.args)).then(done(0), done(1));
        };
        waiting.set(gd, fresh);
        observer.observe(gd);
      });
    };
    later.__later = true;
    Plotly.react = later;
    window.addEventListener("beforeprint", drawAll, true); // before print.js fits the charts
    window.matchMedia("print").addEventListener("change", function (event) {
      if (event.matches) drawAll();
    });
  }

  // `waiting()`: how many charts are not drawn yet (tests wait for none before measuring them)
  window.investinPlotLater = { install: install, drawAll: drawAll, waiting: () => waiting.size };
})();
