// Language switch: keep the whole current query (selections) and change only `lang`,
// navigating inside the Dash app without a reload.
document.addEventListener(
  "click",
  function (event) {
    const link = event.target.closest && event.target.closest("a[data-lang]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) {
      return;
    }
    const params = new URLSearchParams(window.location.search);
    params.set("lang", link.dataset.lang);
    event.preventDefault();
    event.stopPropagation();
    window.history.pushState({}, "", window.location.pathname + "?" + params.toString());
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  },
  true
);

// Functions the AG Grids name in their column definitions ({"function": "<name>"}), loaded by
// Dash with this file (dash-ag-grid reads window.dashAgGridFunctions).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// The compare grid's indicator column shows each label as a markdown link to its definition;
// it sorts by the plain label (row field `indicator`), not by the link's text.
dagfuncs.byIndicatorLabel = function (valueA, valueB, nodeA, nodeB) {
  const a = (nodeA && nodeA.data && nodeA.data.indicator) || "";
  const b = (nodeB && nodeB.data && nodeB.data.indicator) || "";
  return a.localeCompare(b);
};

// The profile's embed preview (dashboard/views/town_embed.py): the card posts its height
// ({type: "investin-embed-height"}); size the preview frame by it, as the snippet does.
window.addEventListener("message", function (event) {
  const frame = document.getElementById("town-embed-preview");
  if (!frame || event.source !== frame.contentWindow || event.origin !== window.location.origin) {
    return;
  }
  if (event.data && event.data.type === "investin-embed-height") {
    frame.style.height = Math.min(Math.max(Number(event.data.height) || 0, 100), 3000) + "px";
  }
});
