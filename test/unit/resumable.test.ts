import { describe, expect, it } from 'vitest';
import { resumable } from '../../src/resumable';
import type { EngineClient } from '../../src/engine';
import { VitrineError } from '../../src/protocol/errors';

// The engine across the back-forward cache (src/resumable.ts): stopped when the page goes
// into the cache, calls waiting meanwhile, a new engine when it comes back.

/** An engine that answers every call with its name, until it is terminated. */
function fakeEngine(name: string) {
  let closed = false;
  const calls: string[] = [];
  const client = {
    kind: 'worker',
    fallbackReason: undefined,
    call: async (method: string) => {
      if (closed) throw new VitrineError('engine-closed', 'the engine was closed');
      calls.push(method);
      return name;
    },
    terminate: () => void (closed = true),
  } as unknown as EngineClient;
  return { client, calls, isClosed: () => closed };
}

describe('resumable engine', () => {
  it('stops the engine when paused, holds calls, and hands them to the new engine', async () => {
    const first = fakeEngine('first');
    const engine = resumable(first.client);
    expect(await engine.call('getCart')).toBe('first');
    engine.pause();
    expect(first.isClosed()).toBe(true);
    expect(engine.paused).toBe(true);
    let answered: unknown;
    const held = engine.call('getCart').then((v) => (answered = v));
    await new Promise((r) => setTimeout(r, 10));
    expect(answered).toBeUndefined();
    const second = fakeEngine('second');
    engine.resume(second.client);
    await held;
    expect(answered).toBe('second');
    expect(second.calls).toEqual(['getCart']);
    expect(engine.paused).toBe(false);
  });

  it('lets the held calls fail with engine-closed when no new engine could start', async () => {
    const first = fakeEngine('first');
    const engine = resumable(first.client);
    engine.pause();
    const held = engine.call('getCart');
    engine.resume();
    await expect(held).rejects.toMatchObject({ code: 'engine-closed' });
  });
});
