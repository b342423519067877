/**
 * The loader snippet (dist/snippet.min.js), pasted inline into every page: it defines
 * `window.vitrine(...)` as a command queue and loads the SDK without blocking the page.
 * Merchants change the URL below to where they host `vitrine.js`.
 */
((w: Window & { vitrine?: unknown }, d: Document, src: string) => {
  if (w.vitrine) return;
  // Pushes to v.q (not a closure), so the SDK can take the queue over when it loads.
  const v = function () {
    // eslint-disable-next-line prefer-rest-params
    v.q.push(arguments);
  } as unknown as { q: { push(args: IArguments): void } };
  v.q = [];
  w.vitrine = v;
  const s = d.createElement('script');
  s.async = true;
  s.src = src;
  d.head.appendChild(s);
})(window, document, '/vitrine/vitrine.js');
