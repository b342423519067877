import { loadChunk } from './protocol/chunks';
import type { RenderModule } from './render';
import type { ConsentAdapter } from './consent/signal';
import type { AdapterName } from './protocol/options';
import type { HandoffModule } from './handoff/module';
import type { QrModule } from './handoff/qr';
import type { StandInModule } from './stand-in-engine';

/*
 * The chunks the page loads, by type: rendering (dist/vitrine-render.js), one CMP adapter
 * (dist/vitrine-consent-<name>.js), cart handoff links (dist/vitrine-handoff.js) and their QR
 * codes (dist/vitrine-qr.js), and the stand-in for an engine that could not start
 * (dist/vitrine-stand-in.js). Their entry files register what these functions return.
 */

/**
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading may take
 * @returns the render chunk
 */
export const renderChunk = (baseUrl: string | undefined, timeoutMs: number): Promise<RenderModule> => loadChunk<RenderModule>('render', baseUrl, timeoutMs);

/**
 * @param name the adapter's `consent.source` name
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading may take
 * @returns the CMP adapter
 */
export const adapterChunk = (name: AdapterName, baseUrl: string | undefined, timeoutMs: number): Promise<ConsentAdapter> => loadChunk<ConsentAdapter>(`consent-${name}`, baseUrl, timeoutMs);

/**
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading may take
 * @returns the handoff chunk, loaded the first time a page makes a cart link or is opened with one
 */
export const handoffChunk = (baseUrl: string | undefined, timeoutMs: number): Promise<HandoffModule> => loadChunk<HandoffModule>('handoff', baseUrl, timeoutMs);

/**
 * @param baseUrl a URL in the folder the SDK files are served from
 * @param timeoutMs how long loading may take
 * @returns the QR chunk, loaded the first time a page asks for a handoff link's QR code
 */
export const qrChunk = (baseUrl: string | undefined, timeoutMs: number): Promise<QrModule> => loadChunk<QrModule>('qr', baseUrl, timeoutMs);

/**
 * @param baseUrl a URL in the folder vitrine.js came from
 * @param timeoutMs how long loading may take
 * @returns the stand-in chunk, loaded only when no engine could start
 */
export const standInChunk = (baseUrl: string | undefined, timeoutMs: number): Promise<StandInModule> => loadChunk<StandInModule>('stand-in', baseUrl, timeoutMs);
