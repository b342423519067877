/**
 * Every CMP adapter, by its `consent.source` name, for tests and tools that need them all.
 * The SDK never imports this: each adapter ships as its own chunk (vitrine-consent-<name>.js),
 * built from `adapters/<name>.ts`, so that folder holds one file per adapter and nothing else.
 */
import type { AdapterName } from '../protocol/options';
import type { ConsentAdapter } from './signal';
import { tcf } from './adapters/tcf';
import { gpp } from './adapters/gpp';
import { consentMode } from './adapters/consent-mode';
import { onetrust } from './adapters/onetrust';
import { cookiebot } from './adapters/cookiebot';
import { didomi } from './adapters/didomi';
import { usercentrics } from './adapters/usercentrics';
import { klaro } from './adapters/klaro';
import { cookieconsent } from './adapters/cookieconsent';
import { shopify } from './adapters/shopify';

/** Each adapter under its name in `ADAPTER_NAMES` (the type refuses a missing or unknown one). */
export const ADAPTERS: Readonly<Record<AdapterName, ConsentAdapter>> = {
  tcf,
  gpp,
  'consent-mode': consentMode,
  onetrust,
  cookiebot,
  didomi,
  usercentrics,
  klaro,
  cookieconsent,
  shopify,
};
