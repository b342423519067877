/** Every CMP adapter, by `consent.source` name. Each ships as its own chunk (vitrine-consent-<name>.js). */
import { tcf } from './tcf';
import { gpp } from './gpp';
import { consentMode } from './consent-mode';
import { onetrust } from './onetrust';
import { cookiebot } from './cookiebot';
import { didomi } from './didomi';
import { usercentrics } from './usercentrics';
import { klaro } from './klaro';
import { cookieconsent } from './cookieconsent';
import { shopify } from './shopify';
import type { ConsentAdapter } from '../signal';

export const ADAPTERS: Record<string, ConsentAdapter> = {
  tcf, gpp, 'consent-mode': consentMode, onetrust, cookiebot, didomi, usercentrics, klaro, cookieconsent, shopify,
};
