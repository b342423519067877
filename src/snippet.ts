/**
 * The loader snippet (dist/snippet.min.js), pasted inline into every page: it defines
 * `window.vitrine(...)` as a command queue and loads the SDK without blocking the page.
 * Merchants change the URL below to where they host `vitrine.js`.
 */
((w: Window & { vitrine?: unknown }, d: Document, src: string) => {
  if (w.vitrine) return;
  const q: IArguments[] = [];
  const v = function () {
    // eslint-disable-next-line prefer-rest-params
    q.push(arguments);
  } as unknown as { q: IArguments[] };
  v.q = q;
  w.vitrine = v;
  const s = d.createElement('script');
  s.async = true;
  s.src = src;
  d.head.appendChild(s);
})(window, document, '/vitrine/vitrine.js');
