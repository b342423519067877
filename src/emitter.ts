/** Reports a listener's error without letting it break the SDK or the other listeners. */
export type ErrorSink = (error: unknown) => void;

/**
 * A tiny typed event emitter. A listener that throws is reported to `sink`; the others still run.
 * @param sink where listener errors go
 * @returns `on` (returning an unsubscribe function) and `emit`
 */
export function createEmitter<Events extends Record<string, unknown>>(sink: ErrorSink) {
  const listeners: { [K in keyof Events]?: Set<(value: Events[K]) => void> } = {};
  return {
    on<K extends keyof Events>(event: K, fn: (value: Events[K]) => void): () => void {
      (listeners[event] ??= new Set()).add(fn);
      return () => listeners[event]?.delete(fn);
    },
    emit<K extends keyof Events>(event: K, value: Events[K]): void {
      for (const fn of listeners[event] ?? []) {
        try {
          fn(value);
        } catch (error) {
          sink(error);
        }
      }
    },
  };
}
