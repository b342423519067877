import type { TrackEvent } from './protocol/events';
import type { EngineClient } from './engine';
import type { ErrorSink } from './emitter';

/** Collects validated events and posts them to the engine in batches. */
export interface TrackQueue {
  push(event: TrackEvent): void;
  /** Posts what is queued now, without waiting. */
  send(): void;
  /** Posts what is queued and resolves once every posted event is stored (or dropped by consent). */
  flush(): Promise<void>;
}

/**
 * Batches events: a batch goes out when it is full or at the end of the current task, so the
 * main thread pays one postMessage per batch, not per event.
 * @param engine the engine client
 * @param maxBatch events per batch
 * @param sink where a failed post is reported (track itself never throws for it)
 */
export function createTrackQueue(engine: EngineClient, maxBatch: number, sink: ErrorSink): TrackQueue {
  let batch: TrackEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inFlight = new Set<Promise<unknown>>();

  const send = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    const sent = engine.call('track', batch);
    batch = [];
    const settled = sent.then(
      () => undefined,
      (error) => {
        sink(error);
        throw error;
      },
    );
    settled.catch(() => undefined);
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled)).catch(() => undefined);
  };

  return {
    push(event) {
      batch.push(event);
      if (batch.length >= maxBatch) send();
      else timer ??= setTimeout(send, 0);
    },
    send,
    async flush() {
      send();
      await Promise.all(inFlight);
    },
  };
}
