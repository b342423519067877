import { html } from 'hono/html';

/**
 * The dashboard's only styles, inline (the CSP allows inline styles and nothing else). Colours
 * keep at least 4.5:1 against their background; focus is always visible.
 */
export const STYLE = html`<style>
:root { color: #1d1d1f; background: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0; }
.top { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .6rem 2rem; background: #14365d; color: #fff; }
.top p { margin: 0; font-weight: 600; }
.top nav { display: flex; align-items: center; gap: 1rem; }
.top a, .top button { color: #fff; }
main { padding: 1rem 2rem 3rem; max-width: 75rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 2px solid #14365d; padding-bottom: .2rem; } h3 { font-size: 1.05rem; margin: 1.6rem 0 .3rem; }
.lede, .hint, figcaption small, .muted { color: #4a4a4f; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #d0d0d5; text-align: right; vertical-align: top; }
thead th { border-bottom: 2px solid #6b6b70; font-size: .85rem; }
th[scope="row"], thead th:first-child { text-align: left; }
td.pending, td.reading { text-align: left; }
td.pending { color: #4a4a4f; font-style: italic; }
th small { font-weight: normal; color: #4a4a4f; }
dl.figures { display: grid; grid-template-columns: max-content auto; gap: .3rem 1.2rem; margin: .6rem 0 1rem; }
dl.figures dt { font-weight: 600; } dl.figures dd { margin: 0; }
small { font-size: .8em; }
.better { color: #0a6b2d; font-weight: 600; } .worse { color: #a3161a; font-weight: 600; }
.legend { font-size: .8rem; color: #4a4a4f; margin: .1rem 0 0; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
figure { margin: 0; width: 340px; }
figure th, figure td { padding: .2rem .4rem; font-size: .9rem; } figure th[scope="row"] { white-space: nowrap; font-weight: normal; }
figcaption { font-weight: 600; margin-bottom: .2rem; }
svg text { fill: #4a4a4f; font-size: 11px; }
svg .bar { fill: #14365d; } svg .share { stroke: #14365d; stroke-width: 2; } svg .pending { fill: #8a8a90; } svg .axis { stroke: #6b6b70; } svg .grid { stroke: #d0d0d5; }
details { margin-top: .3rem; } summary { cursor: pointer; color: #0b4f9c; }
.warn { background: #fff3cd; padding: .5rem 1rem; border-left: 4px solid #8a6100; }
a { color: #0b4f9c; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid currentColor; border-radius: 4px; background: transparent; color: inherit; cursor: pointer; }
.top button { padding: .15rem .6rem; }
form.inline { display: inline; margin: 0; }
label { display: block; font-weight: 600; margin-top: .8rem; }
input { font: inherit; padding: .3rem .5rem; border: 1px solid #6b6b70; border-radius: 4px; }
:focus-visible { outline: 3px solid #0b4f9c; outline-offset: 2px; }
.top :focus-visible { outline-color: #ffd54a; }
.alert { color: #a3161a; font-weight: 600; }
</style>`;
