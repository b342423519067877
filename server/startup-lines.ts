import type { Config } from './config';
import { DEMO_SITE } from './demo';

/** What the start knows besides the settings. */
export interface Started {
  /** The URL the server answers at. */
  base: string;
  /** The token for this run, when VITRINE_TOKEN is not set (printed then, and only then). */
  token: string;
  /** Whether the demo shop's catalog is there to serve when VITRINE_CATALOG is not set (not in the collector's package). */
  demoCatalog?: boolean;
  /** Whether priors are computed and signed, and whether with the demo's key. */
  priors: 'off' | 'demo-key' | 'own-key';
}

/**
 * What `npm start` prints once it listens: with the demo, how to try it; without, the
 * merchant's own sites, origins and where each part answers, in their words.
 * @returns the lines, in order
 */
export function startupLines(config: Config, { base, token, priors, demoCatalog = true }: Started): string[] {
  const sites = config.demo ? [DEMO_SITE] : (config.sites ?? []);
  const site = sites[0] ?? '<siteId>';
  const tokenNote = config.token ? '' : `  (token for this run: ${token})`;
  const lines = [
    config.demo
      ? `Vitrine demo storefront: ${base}/`
      : `Vitrine collector for ${config.sites ? `the sites ${config.sites.join(', ')}` : 'any site (VITRINE_SITES names yours; set it before going live)'}`,
    `SDK files:               ${base}/vitrine/vitrine.js, ${base}/vitrine/vitrine-worker.js, ${base}/vitrine/vitrine-worker-offers.js`,
    `Offer catalog:           ${base}/v1/catalog`,
  ];
  if (!config.demo) lines.push(`Catalog file:            ${config.catalogFile ?? (demoCatalog ? "the demo shop's (VITRINE_CATALOG names yours)" : 'none yet (VITRINE_CATALOG names yours)')}`);
  if (!config.demo)
    lines.push(`Pages allowed to report: ${config.origins ? config.origins.join(', ') : "any origin (VITRINE_ORIGINS lists your shop's, e.g. https://shop.example,https://www.shop.example)"}`);
  if (config.centralEpsilon)
    lines.push(
      `Central noise:           ε ${Object.entries(config.centralEpsilon)
        .map(([s, e]) => (s === '*' ? `${e} for every site` : `${e} for ${s}`))
        .join(', ')} (README, "Central noise")`,
    );
  lines.push(
    `Learned priors:          ${priors === 'off' ? `off (set VITRINE_PRIORS_KEY to a private JWK from ${demoCatalog ? 'npm run catalog -- keygen' : 'npx vitrine-catalog keygen'})` : `${base}/v1/priors?site=${site} (a new version every ${config.priorsMinutes} min${priors === 'demo-key' ? "; signed with the demo's key, for the demo shop only" : ''})`}`,
    `Collector:               POST ${base}/v1/reports, GET ${base}/v1/stats (Authorization: Bearer <token>), ${config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`}`,
    `Dashboard:               ${base}/dashboard?site=${site}${tokenNote}`,
  );
  if (config.demo) {
    lines.push(
      `Your own visit:          accept "Count anonymous totals" in the shop's banner and browse; within about two minutes (a page of the shop open)\n` +
        `                         its report is on the dashboard, ${config.k > 1 ? `as "1 of ${config.k} reports so far" until ${config.k} reports make a row (VITRINE_K=1 npm start shows your own numbers)` : 'in numbers (VITRINE_K=1)'}`,
      `Fill it with simulated shoppers: npm run simulate (in another terminal); pictures of it all: npm run screenshots -- --token <token>`,
    );
  } else {
    lines.push(`Test your reports:       reportWindow: 60000 in your page's init and VITRINE_K=1 here: a report within about two minutes (README, "Set it up on your shop")`);
  }
  lines.push('Press Ctrl+C to stop.');
  return lines;
}
