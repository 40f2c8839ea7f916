import Plotly from 'plotly.js-dist';

/*
 * The one copy of plotly.js the extension ships (dist/renderer-chunks/plotly.js), built as a
 * classic script that sets globalThis.Plotly. The notebook renderer imports it by URL on its first
 * figure; the HTML report inlines it before the report bundle. Shipping it once keeps the .vsix
 * under its 6 MB budget: the report bundle used to carry a second copy.
 */
(globalThis as { Plotly?: unknown }).Plotly = Plotly;
