/**
 * Area 10 of `npm run bench`: how long a cart handoff link is (`v.cart.handoff()`), and the QR
 * code that holds it, for carts of 1, 10 and 30 lines like the demo's (a SKU, a name, a
 * category, a price in euros). Made by the SDK's own code (src/handoff/link.ts, here in Node:
 * the same WebCrypto and CompressionStream) and encoded by the QR chunk's encoder (lean-qr), at
 * the smallest version that holds the link. Baseline: the link of a one-line cart.
 */
import { generate } from 'lean-qr/nano';
import { createHandoffLink } from '../../src/handoff/link';
import type { CartItem } from '../../src/protocol/cart';
import { figure, packageVersion, saveArea, type Figure } from '../shared/results';

const SIZES = [1, 10, 30];
/** The shop's cart page, as a link opens it. */
const BASE = 'https://shop.example/cart';
const NAMES = ['Trail runner', 'Road racer', 'Yoga mat', 'Yoga blocks', 'Coffee beans', 'Pour-over kettle', 'Running socks', 'Water bottle'];
const CATEGORIES = ['trail-running', 'running', 'yoga', 'coffee'];

/** A cart of `n` lines, each a different product. */
const cartOf = (n: number): CartItem[] =>
  Array.from({ length: n }, (_, i) => ({
    sku: `${['TR', 'RD', 'YG', 'CF'][i % 4]}-${100 + i}`,
    qty: 1 + (i % 3),
    price: Math.round((9.5 + i * 7.25) * 100) / 100,
    name: `${NAMES[i % NAMES.length]} ${Math.floor(i / NAMES.length) + 1}`,
    category: CATEGORIES[i % CATEGORIES.length]!,
    currency: 'EUR',
  }));

async function main(): Promise<void> {
  const measured = await Promise.all(
    SIZES.map(async (n) => {
      const { link } = await createHandoffLink(cartOf(n), BASE);
      const code = generate(link);
      return { n, chars: link.length, version: (code.size - 17) / 4, modules: code.size };
    }),
  );
  const [one] = measured;
  const chars = { name: 'a one-line cart’s link, characters', median: one!.chars };
  const version = { name: 'a one-line cart’s QR code, version', median: one!.version };
  const figures: Figure[] = measured.flatMap(({ n, chars: length, version: v, modules }) => [
    figure(`handoff link, ${n} line${n === 1 ? '' : 's'}: characters`, 'chars', [length], chars),
    figure(`handoff link, ${n} line${n === 1 ? '' : 's'}: QR code version (${modules} × ${modules} modules)`, 'version', [v], version),
  ]);
  saveArea({
    id: '10-handoff',
    title: 'Cart handoff links',
    about: `The link \`v.cart.handoff()\` makes for ${BASE} (its fragment: a version byte, the 128-bit key, the nonce, and the lines compressed with deflate and encrypted with AES-GCM, in base64url), and the version of the smallest QR code that holds it (lean-qr, error correction L at least). Carts like the demo's: a SKU, a name, a category and a price per line. Exact for a given cart; the compressed size varies by a few bytes with the content.`,
    figures,
    versions: { 'lean-qr': packageVersion('lean-qr') },
  });
  for (const f of figures) console.log(`${f.name}: ${f.median} ${f.unit} (${f.ratio.toFixed(2)}×)`);
}

await main();
