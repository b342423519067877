// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createHandoffLink, HANDOFF_MAX_CHARS, HANDOFF_PARAM, openHandoff } from '../../src/handoff/link';
import type { CartItem } from '../../src/protocol/cart';

/*
 * The handoff link's format (src/handoff/link.ts) in Node, as the shop's app or server reads it:
 * what it carries, that it shows nothing in clear, and that every way a link can go wrong is
 * refused with its reason. Links made in the browsers are opened here in test/e2e/handoff.test.ts.
 */

const BASE = 'https://shop.example/cart?from=share#top';
const NOW = Date.UTC(2026, 11, 6, 12);

const cart = (n: number): CartItem[] =>
  Array.from({ length: n }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: 1 + (i % 3), price: 19.5 + i, name: `Trail runner size ${40 + (i % 8)}`, category: 'trail-running', currency: 'EUR' }));

/** Seals any content the way a link does, to check what the reader makes of content a link never holds. */
async function sealed(content: unknown, version = 1): Promise<string> {
  const key = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const plain = new Uint8Array(await new Response(new Blob([JSON.stringify(content)]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  const k = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: new Uint8Array([version]) }, k, plain));
  const payload = Buffer.concat([Buffer.from([version]), key, nonce, cipher]);
  return `https://shop.example/cart#${HANDOFF_PARAM}=${payload.toString('base64url')}`;
}

/** The link with its payload's bytes changed by `change`. */
function altered(link: string, change: (bytes: Buffer) => Buffer): string {
  const [page, fragment] = link.split(`#${HANDOFF_PARAM}=`);
  return `${page}#${HANDOFF_PARAM}=${change(Buffer.from(fragment!, 'base64url')).toString('base64url')}`;
}

describe('a cart handoff link', () => {
  it.each([1, 10, 30])('carries %i lines there and back, with an id and an expiry a day later', async (n) => {
    const items = cart(n);
    const { link, handoff } = await createHandoffLink(items, BASE, { now: NOW });
    const url = new URL(link);
    expect(url.origin + url.pathname + url.search).toBe('https://shop.example/cart?from=share');
    const opened = await openHandoff(link, NOW + 1000);
    expect(opened).toEqual({ id: handoff.id, createdAt: NOW, expiresAt: NOW + 86_400_000, items });
    expect(opened.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('names no product in clear, and two links for the same cart share nothing', async () => {
    const items = cart(3);
    const a = await createHandoffLink(items, BASE, { now: NOW });
    const b = await createHandoffLink(items, BASE, { now: NOW });
    for (const { link } of [a, b]) {
      for (const word of ['SKU', 'Trail', 'trail', 'EUR', '1000', '19.5']) expect(decodeURIComponent(link)).not.toContain(word);
      expect(new URL(link).hash.startsWith(`#${HANDOFF_PARAM}=`)).toBe(true);
    }
    expect(a.link).not.toBe(b.link);
    expect(a.handoff.id).not.toBe(b.handoff.id);
  });

  it('opens from its fragment alone, as a page reads location.hash', async () => {
    const { link } = await createHandoffLink(cart(2), BASE, { now: NOW });
    expect((await openHandoff(new URL(link).hash, NOW)).items).toEqual(cart(2));
  });

  it('refuses an expired link, naming when it expired', async () => {
    const { link } = await createHandoffLink(cart(1), BASE, { now: NOW, ttlMs: 3_600_000 });
    await expect(openHandoff(link, NOW + 3_600_000)).rejects.toMatchObject({ code: 'invalid-handoff', message: `handoff link: it expired on ${new Date(NOW + 3_600_000).toISOString()}` });
  });

  it('refuses a link that was changed, cut short, of another version or not one at all', async () => {
    const { link } = await createHandoffLink(cart(4), BASE, { now: NOW });
    const cases: [string, string][] = [
      [altered(link, (b) => ((b[b.length - 5]! ^= 1), b)), 'it was changed or cut short (it does not decrypt)'],
      [altered(link, (b) => ((b[3]! ^= 1), b)), 'it was changed or cut short (it does not decrypt)'],
      [altered(link, (b) => b.subarray(0, b.length - 10)), 'it was changed or cut short (it does not decrypt)'],
      [altered(link, (b) => b.subarray(0, 20)), 'it is cut short'],
      [altered(link, (b) => ((b[0] = 2), b)), 'it is of version 2, and this code reads version 1: update Vitrine'],
      [link.replace(/.$/, '*'), 'it is damaged (characters that a link of this kind never holds)'],
      [link.split('#')[0]!, `no #${HANDOFF_PARAM}= in it: it is not a cart handoff link`],
      [`https://shop.example/#${HANDOFF_PARAM}=`, 'it is empty'],
      [`https://shop.example/#${HANDOFF_PARAM}=${'A'.repeat(HANDOFF_MAX_CHARS)}`, `it is longer than ${HANDOFF_MAX_CHARS} characters`],
    ];
    for (const [bad, reason] of cases) await expect(openHandoff(bad, NOW), reason).rejects.toMatchObject({ code: 'invalid-handoff', message: `handoff link: ${reason}` });
  });

  it('refuses content that decrypts but is not a cart, naming the line at fault', async () => {
    const good = { id: 'abc', at: NOW, exp: NOW + 1000 };
    const cases: [unknown, string][] = [
      [{ ...good, lines: [['A', 0, 10]] }, 'line 0.qty: expected a whole number from 1 to 10000'],
      [
        {
          ...good,
          lines: [
            ['A', 1, 10],
            ['B', 1, -1],
          ],
        },
        'line 1.price: expected',
      ],
      [{ ...good, lines: [] }, 'it holds 0 lines (from 1 to 200)'],
      [{ ...good, lines: 'A' }, 'its content is not a cart (id, times or lines missing)'],
      [{ lines: [['A', 1, 1]] }, 'its content is not a cart (id, times or lines missing)'],
      [[1, 2, 3], 'its content is not a cart (id, times or lines missing)'],
    ];
    for (const [content, reason] of cases) {
      await expect(openHandoff(await sealed(content), NOW), reason).rejects.toMatchObject({ code: 'invalid-handoff', message: expect.stringContaining(`handoff link: ${reason}`) });
    }
  });

  it('is refused at making for an empty cart, a bad line or a bad lifetime', async () => {
    await expect(createHandoffLink([], BASE)).rejects.toMatchObject({ code: 'invalid-handoff', message: 'handoff link: the cart is empty: there is nothing to hand off' });
    await expect(createHandoffLink([{ sku: 'A', qty: 1, price: 1 }], BASE, { ttlMs: 1000 })).rejects.toMatchObject({ code: 'invalid-handoff', message: expect.stringContaining('ttlMs') });
    await expect(createHandoffLink([{ sku: '', qty: 1, price: 1 }], BASE)).rejects.toMatchObject({ code: 'invalid-cart-item', message: expect.stringContaining('handoff item 0.sku') });
  });
});
