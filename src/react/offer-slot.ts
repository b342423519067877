import { createElement, Fragment, useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import type { DecideContext } from 'vitrine';
import prepaint from 'vitrine/prepaint-script';
import { useVitrineContext } from './provider';

/** Props of {@link OfferSlot}. */
export interface OfferSlotProps {
  slot: string;
  /** The slot's fixed height (CSS length or px): the server reserves it, so painting shifts nothing. Make it fit `limit` offers. */
  height: number | string;
  /** How many offers. Default 3. */
  limit?: number;
  context?: DecideContext;
  headingLevel?: 2 | 3 | 4 | 5 | 6;
  /** The offers region's accessible name. Default "Offers for you". */
  label?: string;
  className?: string;
  style?: CSSProperties;
}

// React leaves the children of an element with inner HTML to whoever paints them: here the
// pre-paint script, then the SDK's renderer (text and attributes only; the HTML is empty).
const PAINTED_OUTSIDE_REACT = { __html: '' };

/**
 * A slot of fixed size whose offers are painted without flicker. On a server-rendered page, the
 * inline script after it paints the device's last offers for the slot (kept under
 * personalization consent only) before hydration, and hydration leaves them alone; once the SDK
 * runs, it renders the slot (the same offers, at once) and then the engine's ranking, recording
 * impressions, clicks and dismissals (README, "v.render"), and ranks again when consent changes.
 * @example <OfferSlot slot="product" height={320} limit={2} context={{ category: 'coffee' }} />
 */
export function OfferSlot({ slot, height, limit, context, headingLevel, label, className, style }: OfferSlotProps): ReactNode {
  const { vitrine, siteId, nonce } = useVitrineContext();
  const host = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(context ?? null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `context` is compared by value (`key`, its JSON): an object literal in JSX is a new object at every render.
  useEffect(() => {
    const element = host.current;
    if (!vitrine || !element) return;
    let gone = false;
    const rendered = vitrine.render(slot, element, { ...(limit ? { limit } : {}), ...(context ? { context } : {}), ...(headingLevel ? { headingLevel } : {}), ...(label ? { label } : {}) });
    // Ranked again when the shopper's consent changes (personalized, or contextual only).
    const off = vitrine.consent.on('change', () => void rendered.then((handle) => (gone ? undefined : handle.refresh())).catch(() => undefined));
    return () => {
      gone = true;
      off();
      rendered.then(
        (handle) => handle.destroy(),
        () => undefined,
      );
    };
    // The context is data: its JSON (key) says when it changed.
  }, [vitrine, slot, limit, key, headingLevel, label]);
  return createElement(
    Fragment,
    null,
    createElement('div', {
      ref: host,
      className,
      style: { ...style, height, overflow: 'hidden' },
      'data-vitrine-slot-host': slot,
      suppressHydrationWarning: true,
      dangerouslySetInnerHTML: PAINTED_OUTSIDE_REACT,
    }),
    createElement('script', {
      nonce,
      'data-site': siteId,
      'data-slot': slot,
      'data-limit': limit,
      'data-heading-level': headingLevel,
      'data-label': label,
      suppressHydrationWarning: true,
      dangerouslySetInnerHTML: { __html: prepaint },
    }),
  );
}
