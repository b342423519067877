import { logError } from '../protocol/errors';
import type { ResolvedConsentOptions } from '../protocol/options';
import { adapterChunk } from '../chunks';
import type { ConsentCore } from './core';
import { detectCmp } from './detect';

/**
 * Listens to the CMP on the page through its adapter (a chunk loaded on demand), found by
 * `consent.source` or, with `auto`, detected; consent stays closed until the CMP speaks.
 * @param consent the SDK's consent, which the CMP's signals update
 * @param cmp the resolved `consent` options
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading the adapter may take
 * @returns stops listening (and an adapter still loading never starts)
 */
export function listenToCmp(consent: ConsentCore, cmp: ResolvedConsentOptions, baseUrl: string, timeoutMs: number): () => void {
  let stopAdapter: (() => void) | undefined;
  let stopped = false;
  if (cmp.source !== 'manual') {
    void (async () => {
      const source = cmp.source === 'auto' ? await detectCmp(window, cmp.waitMs) : cmp.source;
      if (source === 'manual' || stopped) return;
      const adapter = await adapterChunk(source, baseUrl, timeoutMs);
      if (stopped) return;
      stopAdapter = adapter({
        window,
        options: cmp,
        onSignal: (signal) => void consent.external(signal, source).catch(logError),
      });
    })().catch(logError);
  }
  return () => {
    stopped = true;
    stopAdapter?.();
  };
}
