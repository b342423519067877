import { useEffect, useState } from 'react';
import type { DecideOptions, Decision } from 'vitrine';
import { useVitrine } from './provider';

/** What {@link useOffers} returns. */
export interface OffersState {
  /** The slot's offers, best first; null until the engine has answered (and on the server). */
  offers: Decision[] | null;
  /** Why the engine could not answer (a `VitrineError`), or null. */
  error: Error | null;
}

/**
 * Ranks a slot's offers on the device for your own markup, and again when the shopper's consent
 * changes. For offers painted before hydration, use <OfferSlot>.
 * @example const { offers } = useOffers('product', { limit: 2, context: { category: 'coffee' } })
 */
export function useOffers(slot: string, options: DecideOptions = {}): OffersState {
  const vitrine = useVitrine();
  const [state, setState] = useState<OffersState>({ offers: null, error: null });
  const key = JSON.stringify(options);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `options` are compared by value (`key`, its JSON): an object literal in JSX is a new object at every render.
  useEffect(() => {
    if (!vitrine) return;
    let live = true;
    const decide = () =>
      vitrine.decide(slot, options).then(
        (offers) => live && setState({ offers, error: null }),
        (error: Error) => live && setState({ offers: null, error }),
      );
    void decide();
    const off = vitrine.consent.on('change', () => void decide());
    return () => {
      live = false;
      off();
    };
    // The options are data: their JSON (key) says when they changed.
  }, [vitrine, slot, key]);
  return state;
}
