// Component libraries loaded on demand (dashboard/frontend.py): a page that renders no AG Grid
// is sent without dash-ag-grid's bundle, and the page names the bundle's URL in the JSON block
// #investin-on-demand. Until the bundle is loaded, each of the library's components is a stand-in
// that loads it when first rendered and then renders the real component with the same props.
// The bundle replaces the stand-in library (window.<namespace>) with itself, so Dash renders the
// real components from then on. Dash's callbacks wait for a stand-in as they wait for dcc's lazy
// components (`_dashprivate_isLazyComponentReady`).
(function () {
  const node = document.getElementById("investin-on-demand");
  if (!node) return;
  const libraries = JSON.parse(node.textContent);

  function loader(namespace, src) {
    let loading = null;
    return function () {
      if (!loading) {
        loading = new Promise(function (resolve, reject) {
          const script = document.createElement("script");
          script.src = src;
          script.onload = function () {
            resolve(window[namespace]);
          };
          script.onerror = function () {
            loading = null;
            reject(new Error("could not load " + src));
          };
          document.head.appendChild(script);
        });
      }
      return loading;
    };
  }

  function standIn(namespace, type, load) {
    let ready = null;
    const Component = function (props) {
      const React = window.React;
      const [real, setReal] = React.useState(null);
      React.useEffect(function () {
        let mounted = true;
        load().then(function (library) {
          if (mounted && library && library[type]) setReal(() => library[type]);
        });
        return function () {
          mounted = false;
        };
      }, []);
      return real ? React.createElement(real, props) : null;
    };
    Component.displayName = "OnDemand(" + namespace + "." + type + ")";
    Object.defineProperty(Component, "_dashprivate_isLazyComponentReady", {
      get: function () {
        if (!ready) ready = load().then(() => true, () => true);
        return ready;
      },
    });
    return Component;
  }

  Object.keys(libraries).forEach(function (namespace) {
    if (window[namespace]) return; // loaded after all
    const load = loader(namespace, libraries[namespace].src);
    const library = {};
    libraries[namespace].types.forEach(function (type) {
      library[type] = standIn(namespace, type, load);
    });
    window[namespace] = library;
  });
})();
