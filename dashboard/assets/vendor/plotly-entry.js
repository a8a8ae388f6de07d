// The plotly.js the dashboard ships, with only the traces it draws (scatter is
// in core; bar; choropleth and scattergeo for the map): about a third of the full bundle, which
// the browser parses before the first figure. Same plotly.js version as the plotly Python package
// (tests/unit/test_plotly_bundle.py checks). Not loaded as an asset (app.py assets_path_ignore);
// assets/plotly_preload.js loads the built file. Rebuild, from an empty directory:
//   npm install plotly.js@4.1.1 esbuild@0.28.2
//   npx esbuild <this file> --bundle --minify --format=iife --global-name=Plotly \
//     --platform=browser --target=es2017 --legal-comments=eof --define:global=window \
//     --banner:js="/* plotly.js 4.1.1 (MIT, Plotly Inc.) partial bundle: scatter, bar, choropleth, scattergeo */" \
//     --outfile=plotly-4.1.1-investin.min.js
// (esbuild also writes a maplibre CSS file the bundle does not use; discard it.)
var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/choropleth"),
  require("plotly.js/lib/scattergeo"),
]);

module.exports = Plotly;
