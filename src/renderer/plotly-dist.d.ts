// plotly.js-dist ships no declarations; plotlyApi.ts types the part the renderer uses.
declare module 'plotly.js-dist' {
  const plotly: unknown;
  export default plotly;
}
