import type { CartLine, CartOp } from '../src/protocol/cart';
import type { ConsentState } from '../src/protocol/consent';
import type { ExposureRecord } from './storage/store';
import { randomHex } from '../src/protocol/ids';

/** What engines in other tabs of the same origin tell each other. */
export type SyncMessage =
  | { t: 'cart-changed' }
  | { t: 'cart-op'; op: CartOp; at: number }
  | { t: 'hello' }
  | { t: 'cart-state'; to: string; lines: CartLine[]; handoffs?: string[] }
  | { t: 'consent'; consent: ConsentState }
  | { t: 'forget' }
  | { t: 'exposure'; record: ExposureRecord }
  | { t: 'muted'; muted: string[] }
  /** The stored profile changed (new signals, a stated interest, an erasure). */
  | { t: 'profile' };

/** A message as it travels, stamped with the sending engine's id. */
export type Envelope = SyncMessage & { from: string };

/** The engine's line to the other tabs. */
export interface TabSync {
  readonly id: string;
  /** Whether the other tabs hear this one (false without BroadcastChannel). */
  readonly live: boolean;
  post(message: SyncMessage): void;
  close(): void;
}

/**
 * Opens the BroadcastChannel shared by every tab of this site on this origin. Where there is
 * no BroadcastChannel, tabs simply do not hear each other.
 * @param name the channel name
 * @param onMessage called with each message from another engine
 * @returns the channel
 */
export function openTabSync(name: string, onMessage: (message: Envelope) => void): TabSync {
  const id = randomHex(8);
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined;
  channel?.addEventListener('message', (event: MessageEvent<Envelope>) => {
    const m = event.data;
    if (m && typeof m === 'object' && typeof m.t === 'string' && m.from !== id) onMessage(m);
  });
  return {
    id,
    live: !!channel,
    post: (message) => channel?.postMessage({ ...message, from: id }),
    close: () => channel?.close(),
  };
}
