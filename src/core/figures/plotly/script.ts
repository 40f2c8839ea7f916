/**
 * Where the build puts plotly's classic script (src/renderer/plotlyGlobal.ts), relative to the
 * renderer's entry bundle. A path shared by the renderer and the Node hosts, so it lives in the
 * core: scripts/build.mjs writes the file, src/renderer/plotlyApi.ts imports it by URL, and the
 * HTML report inlines it (src/node/report/figureScript.ts).
 */
export const PLOTLY_SCRIPT = 'renderer-chunks/plotly.js';
