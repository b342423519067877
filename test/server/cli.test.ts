import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../server/cli';
import { checkCatalog } from '../../worker/catalog';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]) {
  const lines: string[] = [];
  const code = await cli(args, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('vitrine-catalog', () => {
  it('checks a catalog', async () => {
    expect(await run('check', 'demo/catalog.json')).toEqual({ code: 0, out: 'ok: catalog 2026-11-23.1 for demo-shop, 9 offers' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: '1', siteId: 's', offers: [{ id: 'a', slot: 's', content: { title: 'A' }, caps: { perDay: 0 } }] }));
    expect(await run('check', bad)).toEqual({ code: 1, out: 'error: offers[0].caps.perDay: expected a positive integer' });
  });

  it('makes a key pair and signs a catalog the SDK then accepts', async () => {
    const privateKey = join(dir, 'private.jwk');
    const keygen = await run('keygen', privateKey);
    expect(keygen.code).toBe(0);
    const publicJwk = JSON.parse(keygen.out);
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(publicJwk.d).toBeUndefined();
    const signedFile = join(dir, 'signed.json');
    expect((await run('sign', 'demo/catalog.json', '--key', privateKey, '--out', signedFile)).code).toBe(0);
    const envelope = JSON.parse(readFileSync(signedFile, 'utf8'));
    const catalog = await checkCatalog(envelope, 'demo-shop', publicJwk);
    expect(catalog.offers).toHaveLength(9);
    await expect(checkCatalog({ ...envelope, signed: envelope.signed.replace('demo-shop', 'demo-shop ') }, 'demo-shop', publicJwk)).rejects.toMatchObject({ code: 'catalog-signature' });
  });

  it('refuses to overwrite a key and explains its usage', async () => {
    const privateKey = join(dir, 'twice.jwk');
    expect((await run('keygen', privateKey)).code).toBe(0);
    expect((await run('keygen', privateKey)).code).toBe(1);
    expect((await run('sign', 'demo/catalog.json')).code).toBe(2);
    expect((await run('explode')).out).toContain('Usage:');
  });
});
