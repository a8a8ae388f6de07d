// Narrow screens: plotly draws a title, an axis title, a category label or a legend entry on one
// line and cuts it at the figure's edge. Below 640 px each text that does not fit is wrapped onto
// more lines at word boundaries (the top margin grows by the title's extra lines), after every
// draw of a figure; wider screens keep the figures exactly as the server made them.
(function () {
  "use strict";
  const NARROW = window.matchMedia("(max-width: 640px)");
  const LINE = 18; // px a title line takes
  const LABEL_SIZE = 11; // px of wrapped category labels, two lines in a bar's height

  // `text` as lines of at most `max` characters, breaking at spaces (a longer word stays whole).
  function wrap(text, max) {
    const lines = [];
    let line = "";
    for (const word of String(text).split(/\s+/)) {
      if (line && (line + " " + word).length > max) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    }
    if (line) lines.push(line);
    return lines;
  }

  // How many characters of `node`'s text fit in `room` px, at its current size.
  function charsIn(node, room) {
    const width = node.getBBox().width;
    const length = node.textContent.length;
    return Math.max(8, Math.floor((length * room) / Math.max(width, 1)));
  }

  function tooWide(node, svg, extra) {
    if (!node || !node.getBBox) return false;
    const box = node.getBoundingClientRect();
    const frame = svg.getBoundingClientRect();
    return box.width > 0 && (box.right > frame.right - (extra || 0) || box.left < frame.left);
  }

  function plain(text) {
    return typeof text === "string" && text.indexOf("<br>") < 0 ? text : null;
  }

  function titles(gd, svg, layout, update) {
    const room = layout.width - 24;
    let extra = 0;
    const title = layout.title || {};
    const main = gd.querySelector(".gtitle");
    if (plain(title.text) && tooWide(main, svg, 4)) {
      const lines = wrap(title.text, charsIn(main, room));
      update["title.text"] = lines.join("<br>");
      extra += (lines.length - 1) * LINE;
    }
    const sub = gd.querySelector(".gtitle-subtitle");
    const subText = title.subtitle && title.subtitle.text;
    if (plain(subText) && tooWide(sub, svg, 4)) {
      const lines = wrap(subText, charsIn(sub, room));
      update["title.subtitle.text"] = lines.join("<br>");
      extra += (lines.length - 1) * (LINE - 2);
    }
    if (extra) update["margin.t"] = ((gd.layout.margin && gd.layout.margin.t) || 56) + extra;
  }

  // The extra height (px) that wrapped category labels need: two lines in each band.
  function axes(gd, svg, layout, update) {
    let extra = 0;
    for (const name of Object.keys(layout)) {
      const axis = layout[name];
      if (!/^[xy]axis\d*$/.test(name) || !axis || !axis._id) continue;
      const node = gd.querySelector(".g-" + axis._id + "title text");
      const text = axis.title && axis.title.text;
      if (plain(text) && tooWide(node, svg)) {
        // an axis title is centred on its axis: the room is twice the shorter side of it
        const centre = axis._offset + axis._length / 2;
        const whole = name[0] === "x" ? layout.width : layout.height;
        const room = 2 * Math.min(centre, whole - centre) - 12;
        update[name + ".title.text"] = wrap(text, charsIn(node, room)).join("<br>");
      }
      const turned = Array.from(gd.querySelectorAll("." + axis._id + "tick text")).some((t) =>
        /rotate\((?!0[,)])/.test(t.getAttribute("transform") || "")
      );
      if (turned && axis.type !== "category" && axis.tickangle !== 0) {
        // plotly turns crowded number or year labels; fewer labels read level instead
        update[name + ".tickangle"] = 0;
        update[name + ".nticks"] = Math.max(2, Math.floor(axis._length / 56));
      }
      const cats = axis._categories;
      if (axis.type !== "category" || !cats || !cats.length || axis.tickmode === "array") continue;
      const ticks = Array.from(gd.querySelectorAll("." + axis._id + "tick text"));
      if (!ticks.some((t) => tooWide(t, svg))) continue;
      const max = Math.max(12, Math.floor((layout.width * 0.45) / (LABEL_SIZE * 0.55)));
      update[name + ".tickmode"] = "array";
      update[name + ".tickvals"] = cats.slice();
      update[name + ".ticktext"] = cats.map((c) => wrap(c, max).slice(0, 2).join("<br>"));
      update[name + ".tickfont.size"] = LABEL_SIZE;
      const band = axis._length / cats.length;
      if (update[name + ".ticktext"].some((t) => t.indexOf("<br>") >= 0) && band < 34) {
        extra += Math.ceil((34 - band) * cats.length);
      }
    }
    return extra;
  }

  // A wrapped title block that reaches into the plot: the top margin grows by the overlap
  // (plotly centres the title in the margin, so the growth is measured, a few times at most).
  const cleared = new WeakMap();
  function clearTitle(gd, svg, layout, update) {
    if ("margin.t" in update || "title.text" in update || "title.subtitle.text" in update) return;
    const blocks = Array.from(gd.querySelectorAll(".gtitle, .gtitle-subtitle"));
    const bottom = Math.max(...blocks.map((b) => b.getBoundingClientRect().bottom), -Infinity);
    const top = svg.getBoundingClientRect().top + layout._size.t;
    const times = cleared.get(gd.layout) || 0;
    if (!blocks.length || bottom <= top - 4 || times >= 3) return;
    cleared.set(gd.layout, times + 1);
    update["margin.t"] = ((gd.layout.margin && gd.layout.margin.t) || 56) + bottom - top + 8;
  }

  function legend(gd, svg) {
    const names = [];
    const indices = [];
    for (const item of gd.querySelectorAll(".legend .traces")) {
      const text = item.querySelector(".legendtext");
      const trace = item.__data__ && item.__data__[0] && item.__data__[0].trace;
      if (!trace || !plain(trace.name) || !tooWide(text, svg)) continue;
      const room = svg.getBoundingClientRect().width - 60;
      names.push(wrap(trace.name, charsIn(text, room)).join("<br>"));
      indices.push(trace.index);
    }
    return indices.length ? [{ name: names }, indices] : null;
  }

  // A long legend below the plot (a compare trend of many towns) squeezes the plot and scrolls
  // on a phone: the figure grows by the legend's hidden part instead.
  const grown = new WeakSet();
  function grow(gd, layout, labels) {
    const box = gd.querySelector(".legend .bg");
    const items = Array.from(gd.querySelectorAll(".legend .traces"));
    if (!box || items.length < 2 || grown.has(gd.layout)) return labels ? resize(gd, layout.height + labels) : null;
    const ys = items.map((item) => item.getBoundingClientRect());
    const full = Math.max(...ys.map((r) => r.bottom)) - Math.min(...ys.map((r) => r.top)) + 12;
    const shown = Number(box.getAttribute("height")) || 0;
    const wanted = Math.max(full - shown, full - layout.height * 0.3, 0);
    if (wanted < 20) return labels ? resize(gd, layout.height + labels) : null;
    grown.add(gd.layout);
    return resize(gd, layout.height + wanted + labels);
  }

  function resize(gd, height) {
    const holder = gd.closest(".dash-graph") || gd;
    holder.style.height = Math.round(height) + "px";
    return Math.round(height);
  }

  function fit(gd) {
    const layout = gd._fullLayout;
    const svg = gd.querySelector("svg.main-svg");
    if (!NARROW.matches || !layout || !svg || gd._phoneFitting || !window.Plotly) return;
    const update = {};
    titles(gd, svg, layout, update);
    const labels = axes(gd, svg, layout, update);
    clearTitle(gd, svg, layout, update);
    const names = legend(gd, svg);
    const height = grow(gd, layout, labels);
    if (height) update.height = height;
    if (!names && !Object.keys(update).length) return;
    gd._phoneFitting = true;
    const done = function () {
      gd._phoneFitting = false;
    };
    const relaid = Object.keys(update).length ? window.Plotly.relayout(gd, update) : Promise.resolve();
    relaid
      .then(function () {
        return names ? window.Plotly.restyle(gd, names[0], names[1]) : null;
      })
      .then(done, done);
  }

  function hook(root) {
    const graphs = root.querySelectorAll ? root.querySelectorAll(".js-plotly-plot") : [];
    for (const gd of graphs) {
      if (gd._phoneHooked || typeof gd.on !== "function") continue;
      gd._phoneHooked = true;
      gd.on("plotly_afterplot", function () {
        fit(gd);
      });
      fit(gd);
    }
  }

  let queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () {
      queued = false;
      hook(document);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
