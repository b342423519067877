import { loadChunk } from './protocol/chunks';
import type { RenderModule } from './render';
import type { ConsentAdapter } from './consent/signal';
import type { AdapterName } from './protocol/options';

/*
 * The chunks the page loads, by type: rendering (dist/vitrine-render.js) and one CMP adapter
 * (dist/vitrine-consent-<name>.js). Their entry files register what these functions return.
 */

/**
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading may take
 * @returns the render chunk
 */
export const renderChunk = (baseUrl: string | undefined, timeoutMs: number): Promise<RenderModule> =>
  loadChunk<RenderModule>('render', baseUrl, timeoutMs);

/**
 * @param name the adapter's `consent.source` name
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading may take
 * @returns the CMP adapter
 */
export const adapterChunk = (name: AdapterName, baseUrl: string | undefined, timeoutMs: number): Promise<ConsentAdapter> =>
  loadChunk<ConsentAdapter>(`consent-${name}`, baseUrl, timeoutMs);
