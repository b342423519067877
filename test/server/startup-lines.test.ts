import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config';
import { startupLines } from '../../server/startup-lines';

const started = { base: 'http://localhost:8080', token: 'a-token-for-this-run-only-xyz', priors: 'off' as const };

describe('what npm start prints', () => {
  it('with the demo: the storefront, its dashboard and how to see one’s own visit', () => {
    const text = startupLines(readConfig({}, '/srv/vitrine', ['--demo']), started).join('\n');
    expect(text).toContain('Vitrine demo storefront: http://localhost:8080/');
    expect(text).toContain('Dashboard:               http://localhost:8080/dashboard?site=demo-shop  (token for this run: a-token-for-this-run-only-xyz)');
    expect(text).toContain('accept "Count anonymous totals" in the shop\'s banner');
  });

  it('for a merchant: their sites, origins and catalog, in their words, and nothing of the demo', () => {
    const config = readConfig(
      { VITRINE_SITES: 'my-shop', VITRINE_ORIGINS: 'https://my-shop.example,https://www.my-shop.example', VITRINE_CATALOG: '/etc/vitrine/catalog.json', VITRINE_TOKEN: 'x'.repeat(32) },
      '/srv/vitrine',
    );
    const text = startupLines(config, { ...started, priors: 'own-key' }).join('\n');
    expect(text).toContain('Vitrine collector for the sites my-shop');
    expect(text).toContain('Pages allowed to report: https://my-shop.example, https://www.my-shop.example');
    expect(text).toContain('Offer catalog:           http://localhost:8080/v1/catalog\nCatalog file:            /etc/vitrine/catalog.json');
    expect(text).toContain('Dashboard:               http://localhost:8080/dashboard?site=my-shop\n');
    expect(text).toContain('http://localhost:8080/v1/priors?site=my-shop (a new version every 60 min)');
    expect(text).toContain('reportWindow: 60000');
    expect(text).not.toMatch(/demo|token for this run|Count anonymous totals/);
  });

  it('without VITRINE_SITES or VITRINE_ORIGINS: says so, and which setting names them', () => {
    const text = startupLines(readConfig({}, '/srv/vitrine'), started).join('\n');
    expect(text).toContain('Vitrine collector for any site (VITRINE_SITES names yours; set it before going live)');
    expect(text).toContain("any origin (VITRINE_ORIGINS lists your shop's");
  });

  it('from the installed collector (no demo files): no catalog yet, and the package’s own commands', () => {
    const text = startupLines(readConfig({ VITRINE_SITES: 'my-shop' }, '/srv/vitrine'), { ...started, demoCatalog: false }).join('\n');
    expect(text).toContain('Catalog file:            none yet (VITRINE_CATALOG names yours)');
    expect(text).toContain('a private JWK from npx vitrine-catalog keygen)');
    expect(text).not.toContain('npm run catalog');
    expect(startupLines(readConfig({}, '/srv/vitrine'), started).join('\n')).toContain('a private JWK from npm run catalog -- keygen)');
  });
});
