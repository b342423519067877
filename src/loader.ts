/**
 * What the loader snippets do (src/snippet.ts, src/snippet-trusted-types.ts): define
 * `window.vitrine(...)` as a command queue and load the SDK without blocking the page.
 * @param w the page's window
 * @param d its document
 * @param src the URL of `vitrine.js`, as the sink takes it
 */
export function installLoader(w: Window & { vitrine?: unknown }, d: Document, src: () => string): void {
  if (w.vitrine) return;
  // Pushes to v.q (not a closure), so the SDK can take the queue over when it loads.
  const v = function () {
    // biome-ignore lint/complexity/noArguments: the queue keeps each call's arguments object, as the SDK reads it (rest parameters would cost bytes on every page).
    v.q.push(arguments);
  } as unknown as { q: { push(args: IArguments): void } };
  v.q = [];
  w.vitrine = v;
  const s = d.createElement('script');
  s.async = true;
  s.src = src();
  d.head.appendChild(s);
}
