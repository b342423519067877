// `vitrine/prepaint-script`: the text of dist/vitrine-prepaint.js (src/prepaint-entry.ts) for
// server rendering, and an empty string in browser builds (the "browser" export condition):
// hydration keeps the server's script as it is, so the browser never downloads its text twice.
// The build writes both modules (rollup.config.mjs, prepaintScriptModules).
declare const script: string;
export default script;
