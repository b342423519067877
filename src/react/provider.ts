import { createContext, createElement, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createVitrine, type Vitrine, type VitrineOptions } from 'vitrine';

/** What the provider gives the hooks and slots below it. */
export interface VitrineContextValue {
  /** The running SDK; null on the server, before it has started, and when it could not start. */
  vitrine: Vitrine | null;
  /** Why it could not start (a `VitrineError`), or null. */
  error: Error | null;
  siteId: string;
  /** The CSP nonce of the inline scripts the slots paste (<OfferSlot>). */
  nonce: string | undefined;
}

const VitrineContext = createContext<VitrineContextValue | null>(null);

/** Props of {@link VitrineProvider}. */
export interface VitrineProviderProps {
  /** The options of `createVitrine` (README, "Options"); a change of them starts the SDK again. */
  options: VitrineOptions;
  /** Your Content-Security-Policy nonce, for the inline script of each <OfferSlot>. */
  nonce?: string;
  children?: ReactNode;
}

/**
 * Starts the SDK once the page has hydrated (never on the server) and gives it to the hooks
 * and slots below. Destroys it when unmounted; the shopper's data stays on the device.
 * @example <VitrineProvider options={{ siteId: 'my-shop', workerUrl: '/vitrine/vitrine-worker-offers.js', catalogUrl: '/catalog.json' }}>…</VitrineProvider>
 */
export function VitrineProvider({ options, nonce, children }: VitrineProviderProps): ReactNode {
  const [started, setStarted] = useState<{ vitrine: Vitrine | null; error: Error | null }>({ vitrine: null, error: null });
  const key = JSON.stringify(options);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `options` are compared by value (`key`, its JSON): an object literal in JSX is a new object at every render.
  useEffect(() => {
    let gone = false;
    let running: Vitrine | undefined;
    createVitrine(options).then(
      (v) => {
        if (gone) return void v.destroy();
        running = v;
        setStarted({ vitrine: v, error: null });
      },
      (error: Error) => gone || setStarted({ vitrine: null, error }),
    );
    return () => {
      gone = true;
      void running?.destroy();
      setStarted({ vitrine: null, error: null });
    };
    // The options are data: their JSON says when they changed.
  }, [key]);
  const value = useMemo(() => ({ ...started, siteId: options.siteId, nonce }), [started, options.siteId, nonce]);
  return createElement(VitrineContext.Provider, { value }, children);
}

/**
 * @returns what the nearest {@link VitrineProvider} gives
 * @throws Error outside a provider
 */
export function useVitrineContext(): VitrineContextValue {
  const value = useContext(VitrineContext);
  if (!value) throw new Error('vitrine/react: put this component inside a <VitrineProvider>');
  return value;
}

/** @returns the running SDK, or null until it has started (and always on the server) */
export const useVitrine = (): Vitrine | null => useVitrineContext().vitrine;
