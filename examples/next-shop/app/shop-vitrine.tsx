'use client';
import type { ReactNode } from 'react';
import { VitrineProvider } from 'vitrine/react';
import { ConsentBanner } from './consent-banner';

/** The shop's Vitrine settings: the engine hosted from public/vitrine/ (copy-sdk.mjs), the catalog from public/. */
const OPTIONS = {
  siteId: 'next-shop',
  workerUrl: '/vitrine/vitrine-worker-offers.js',
  catalogUrl: '/catalog.json',
  // Where aggregate reports go, with measurement consent (none: nothing is ever sent).
  ...(process.env.NEXT_PUBLIC_VITRINE_COLLECTOR ? { collectorUrl: process.env.NEXT_PUBLIC_VITRINE_COLLECTOR } : {}),
};

/** Vitrine for every page, and the shop's consent banner. */
export function ShopVitrine({ nonce, children }: { nonce?: string; children: ReactNode }): ReactNode {
  return (
    <VitrineProvider options={OPTIONS} {...(nonce ? { nonce } : {})}>
      {children}
      <ConsentBanner />
    </VitrineProvider>
  );
}
