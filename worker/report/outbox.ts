import type { ConsentState } from '../../src/protocol/consent';
import type { Report } from '../../src/protocol/report';
import type { EngineContext } from '../context';
import type { Guard, OutboxRecord, PendingReport } from '../storage/store';
import { MINUTE_MS } from '../../src/protocol/time';

/*
 * The outbox's transactions. Each re-reads the outbox and the stored consent decision inside
 * its own IndexedDB transaction, so tabs that report at the same time never build a window
 * twice or send a report twice, and nothing is written once measurement is withdrawn.
 */

/** Reports waiting in the outbox at most; older windows are built once there is room. */
export const MAX_PENDING = 200;
/** A send claims its report for this long, so another tab without Web Locks leaves it alone. */
const LEASE_MS = MINUTE_MS;

const mayMeasure: Guard = (c) => !!c?.purposes.measurement;

/** @returns the outbox as stored, or undefined before measuring started (or after a withdrawal) */
export function readOutbox(ctx: EngineContext): Promise<OutboxRecord | undefined> {
  return ctx.guarded(() => ctx.store().get('outbox'));
}

/**
 * Starts measuring if it has not started: what happened before measurement was granted is
 * never reported. The decision is the one stored on the device, read inside the transaction.
 * @returns the outbox, or undefined without measurement consent
 */
export async function openOutbox(ctx: EngineContext, now: number): Promise<OutboxRecord | undefined> {
  const before = await readOutbox(ctx);
  if (before) return before;
  let stored: ConsentState | undefined;
  const guard: Guard = (c) => ((stored = c), mayMeasure(c));
  return ctx.guarded(() => ctx.store().update('outbox', (current) => current ?? { id: 'current', reportedUntil: Math.min(stored?.updatedAt ?? now, now), reports: [] }, guard));
}

/**
 * Adds the reports of the windows since `from` and moves `reportedUntil`, atomically; if
 * another tab built these windows meanwhile, nothing is added.
 * @param build builds from the outbox as it is in the transaction (it may throw: then nothing changes)
 * @returns the outbox as written
 */
export async function addReports(ctx: EngineContext, from: number, now: number, build: (current: OutboxRecord) => { reports: Report[]; until: number }): Promise<OutboxRecord | undefined> {
  let failure: unknown;
  const written = await ctx.guarded(() =>
    ctx.store().update(
      'outbox',
      (current) => {
        if (!current || current.reportedUntil !== from) return current;
        try {
          const { reports, until } = build(current);
          // While the collector is backing off, new reports wait with the others.
          const nextAt = Math.max(now, ...current.reports.filter((r) => r.attempts > 0).map((r) => r.nextAt));
          const pending = reports.map((r): PendingReport => ({ id: r.id, body: JSON.stringify(r), createdAt: now, attempts: 0, nextAt }));
          return { ...current, reportedUntil: until, reports: [...current.reports, ...pending] };
        } catch (error) {
          failure = error;
          return current;
        }
      },
      mayMeasure,
    ),
  );
  if (failure) throw failure;
  return written;
}

const change = (ctx: EngineContext, fn: (doc: OutboxRecord) => OutboxRecord) => ctx.guarded(() => ctx.store().update('outbox', (doc) => doc && fn(doc), mayMeasure));

/**
 * Claims a report for one send, unless another tab claimed it or it is not due.
 * @returns whether this tab may send it now
 */
export async function claimReport(ctx: EngineContext, id: string, now: number): Promise<boolean> {
  let claimed = false;
  await change(ctx, (doc) => ({
    ...doc,
    reports: doc.reports.map((r) => (r.id === id && r.nextAt <= now ? ((claimed = true), { ...r, nextAt: now + LEASE_MS }) : r)),
  }));
  return claimed;
}

/** Takes a report out: acknowledged, refused or too old. */
export async function removeReport(ctx: EngineContext, id: string): Promise<void> {
  await change(ctx, (doc) => ({ ...doc, reports: doc.reports.filter((r) => r.id !== id) }));
}

/** After a failed send, the whole outbox waits until `until`, not only this report. */
export async function postpone(ctx: EngineContext, id: string, until: number): Promise<void> {
  await change(ctx, (doc) => ({
    ...doc,
    reports: doc.reports.map((r) => (r.id === id ? { ...r, attempts: r.attempts + 1, nextAt: until } : { ...r, nextAt: Math.max(r.nextAt, until) })),
  }));
}
