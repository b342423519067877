import { undecided, type ConsentState } from '../../src/protocol/consent';
import type { Reply } from '../../src/protocol/engine';

/** The value of an engine reply; an error reply fails the test with its code and message. */
export function ok<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

/** A decision made in the banner, granting the given purposes (necessary always). */
export function decided(p: Partial<ConsentState['purposes']>): ConsentState {
  return { decided: true, purposes: { ...undecided().purposes, ...p, necessary: true }, source: 'manual', updatedAt: Date.now() };
}
