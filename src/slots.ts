import { VitrineError, logError } from './protocol/errors';
import { renderChunk } from './chunks';
import type { RenderDeps } from './render';
import type { Vitrine } from './api';

/**
 * `v.render()`, usable before the engine has started: the renderer (built into vitrine.js, a
 * chunk for the ESM build) paints the slot's last offers from the page's copy
 * (src/last-offers.ts) while the engine starts; the engine's answer then confirms or replaces
 * them in place.
 * @param engine resolves to the engine's side of rendering once it has started
 * @param siteId the SDK's site id, whose copy is read
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading the chunk may take
 */
export function slotRenderer(engine: Promise<RenderDeps>, siteId: string, baseUrl: string, timeoutMs: number): Vitrine['render'] {
  let started: RenderDeps | undefined;
  const ready = engine.then((deps) => (started = deps));
  // An engine that cannot start rejects createVitrine; a slot rendered meanwhile keeps what it painted.
  ready.catch(() => undefined);
  const deps: RenderDeps = {
    siteId,
    personalized: () => !!started?.personalized(),
    cached: async (slot) => (await ready).cached(slot),
    decide: async (slot, options) => (await ready).decide(slot, options),
    // With an engine that never started, what was painted stays and nothing is recorded: the error goes to the console, never to the page.
    record: (report) => ready.then((side) => side.record(report)).catch(logError),
  };
  return async (slot, element, options) => {
    // By node type, not instanceof: the element may come from another frame.
    if ((element as Partial<Element> | null)?.nodeType !== 1) throw new VitrineError('invalid-payload', 'render.element: expected a DOM element');
    const { renderSlot } = await renderChunk(baseUrl, timeoutMs);
    return renderSlot(deps, slot, element, options);
  };
}
