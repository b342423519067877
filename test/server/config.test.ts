import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../server/config';
import { catalogSiteProblem } from '../../server/catalog';
import { testCatalog } from '../fixtures/catalog';

const read = (env: Record<string, string>) => readConfig(env, '/srv/vitrine');

describe('the command line', () => {
  it('serves the demo with --demo, unless VITRINE_DEMO says otherwise, and names an option it does not know', () => {
    expect(readConfig({}, '/srv/vitrine', ['--demo']).demo).toBe(true);
    expect(readConfig({}, '/srv/vitrine', []).demo).toBe(false);
    expect(readConfig({ VITRINE_DEMO: '0' }, '/srv/vitrine', ['--demo']).demo).toBe(false);
    expect(() => readConfig({}, '/srv/vitrine', ['--dmeo'])).toThrow(/the command line: .*'--dmeo'.*\(the only option is --demo\)/);
    expect(() => readConfig({}, '/srv/vitrine', ['demo'])).toThrow(/the command line: .*'demo'/);
  });
});

describe('the settings of learning and central noise', () => {
  it("takes the priors' key file, cadence and half-life, with their defaults", () => {
    expect(read({})).toMatchObject({ priorsKeyFile: undefined, priorsMinutes: 60, priorsHalfLifeDays: 14, centralEpsilon: undefined });
    expect(read({ VITRINE_PRIORS_KEY: '/etc/vitrine/priors.jwk', VITRINE_PRIORS_MINUTES: '15', VITRINE_PRIORS_HALF_LIFE_DAYS: '0' })).toMatchObject({
      priorsKeyFile: '/etc/vitrine/priors.jwk',
      priorsMinutes: 15,
      priorsHalfLifeDays: 0,
    });
    expect(() => read({ VITRINE_PRIORS_MINUTES: '0' })).toThrow('VITRINE_PRIORS_MINUTES must be a whole number from 1 to 10080, got "0"');
  });

  it('takes central noise for every site or per site, and says what is wrong with a bad value', () => {
    const secret = { VITRINE_CENTRAL_SECRET: 'a-secret-of-thirty-two-characters!' };
    expect(read({ ...secret, VITRINE_CENTRAL_EPSILON: '1' })).toMatchObject({ centralEpsilon: { '*': 1 }, centralSecret: secret.VITRINE_CENTRAL_SECRET });
    expect(read({ ...secret, VITRINE_CENTRAL_EPSILON: 'shop-a=1, shop-b=0.5' }).centralEpsilon).toEqual({ 'shop-a': 1, 'shop-b': 0.5 });
    for (const bad of ['0', 'shop-a=', 'x y=1', 'lots']) {
      expect(() => read({ ...secret, VITRINE_CENTRAL_EPSILON: bad })).toThrow(/^VITRINE_CENTRAL_EPSILON must be an ε from 0.01 to 20/);
    }
  });

  it('wants a secret of its own for central noise: never none, a short one or the token readers have', () => {
    expect(() => read({ VITRINE_CENTRAL_EPSILON: '1' })).toThrow(/^VITRINE_CENTRAL_SECRET must be set with VITRINE_CENTRAL_EPSILON/);
    expect(() => read({ VITRINE_CENTRAL_EPSILON: '1', VITRINE_CENTRAL_SECRET: 'short' })).toThrow(/^VITRINE_CENTRAL_SECRET must be set/);
    const same = 'a-secret-of-thirty-two-characters!';
    expect(() => read({ VITRINE_CENTRAL_EPSILON: '1', VITRINE_CENTRAL_SECRET: same, VITRINE_TOKEN: same })).toThrow('VITRINE_CENTRAL_SECRET must not be VITRINE_TOKEN');
  });
});

describe('the sites and origins a collector serves', () => {
  it('takes origins as browsers send them, and refuses one without its scheme or with a path', () => {
    expect(read({ VITRINE_ORIGINS: 'https://shop.example, https://www.shop.example' }).origins).toEqual(['https://shop.example', 'https://www.shop.example']);
    for (const bad of ['shop.example', 'www.shop.example', 'https://shop.example/', 'https://shop.example/cart']) {
      expect(() => read({ VITRINE_ORIGINS: bad }), bad).toThrow(
        `VITRINE_ORIGINS must list origins as browsers send them, with their scheme and no path (https://shop.example,https://www.shop.example), got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('takes site ids, and refuses what is not one', () => {
    expect(read({ VITRINE_SITES: 'shop-a,shop-b' }).sites).toEqual(['shop-a', 'shop-b']);
    expect(() => read({ VITRINE_SITES: 'shop a' })).toThrow('VITRINE_SITES must list site ids (1 to 64 letters, digits, ".", "_" or "-") separated by commas, got "shop a"');
  });
});

describe('the catalog a collector serves', () => {
  it('must be for one of its sites: the start names the mismatch and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-config-'));
    try {
      const file = join(dir, 'catalog.json');
      writeFileSync(file, JSON.stringify(testCatalog()));
      expect(await catalogSiteProblem(file, undefined)).toBeUndefined();
      expect(await catalogSiteProblem(file, ['test-shop', 'other'])).toBeUndefined();
      expect(await catalogSiteProblem(file, ['my-shop'])).toBe(
        `VITRINE_SITES (my-shop) does not list the site of the catalog ${file} ("test-shop"): add it to VITRINE_SITES, or set the catalog's siteId to one of them`,
      );
      // A catalog that cannot be read is not this check's to refuse: it is served as 503, with its reason.
      writeFileSync(file, '{ not json');
      expect(await catalogSiteProblem(file, ['my-shop'])).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
