'use client';
import type { ReactNode } from 'react';
import { useConsent } from 'vitrine/react';

/** The shop's own banner: shown until the shopper decides; Vitrine stores and sends nothing before. */
export function ConsentBanner(): ReactNode {
  const { consent, set } = useConsent();
  if (!consent || consent.decided || !set) return null;
  const choose = (yes: boolean) => void set({ functional: yes, personalization: yes, measurement: yes });
  return (
    <div role="dialog" aria-labelledby="consent-title" className="banner">
      <h2 id="consent-title">Your choice</h2>
      <p>We can keep your cart and suggest offers on this device, and count anonymous totals.</p>
      <button type="button" onClick={() => choose(true)}>
        Accept all
      </button>{' '}
      <button type="button" onClick={() => choose(false)}>
        Only what is necessary
      </button>
    </div>
  );
}
