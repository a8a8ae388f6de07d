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
