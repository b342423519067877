import { describe, expect, it } from 'vitest';
import { cartPermalink } from '../../src/handoff/permalink';

const ITEMS = [
  { sku: 'TR-100', qty: 2, price: 89 },
  { sku: 'YG 100/b', qty: 1, price: 35 },
];
const VARIANTS: Record<string, number> = { 'TR-100': 40112, 'YG 100/b': 40113 };

describe('a cart link the shop’s platform understands', () => {
  it('builds a Shopify cart permalink from the merchant’s variant ids', () => {
    expect(cartPermalink(ITEMS, { platform: 'shopify', origin: 'https://shop.example', variantId: (item) => VARIANTS[item.sku]! })).toBe('https://shop.example/cart/40112:2,40113:1');
  });

  it('builds a link from a template, each value encoded', () => {
    const link = cartPermalink(ITEMS, { origin: 'https://shop.example', template: '/cart/add?{lines}', line: 'sku[]={sku}&qty[]={qty}', separator: '&' });
    expect(link).toBe('https://shop.example/cart/add?sku[]=TR-100&qty[]=2&sku[]=YG%20100%2Fb&qty[]=1');
    expect(cartPermalink(ITEMS.slice(0, 1), { origin: 'https://shop.example', template: '/?add-to-cart={lines}', line: '{id}&quantity={qty}', variantId: () => 77 })).toBe(
      'https://shop.example/?add-to-cart=77&quantity=2',
    );
  });

  it('refuses an empty cart, an unknown platform, a template without {lines} and an id that is neither a string nor a number', () => {
    const cases: [() => unknown, string][] = [
      [() => cartPermalink([], { platform: 'shopify', origin: 'https://s' }), 'cart.permalink: the cart is empty'],
      [() => cartPermalink(ITEMS, { platform: 'magento' as 'shopify', origin: 'https://s' }), 'cart.permalink: unknown platform "magento" (known: shopify; use a template for others)'],
      [() => cartPermalink(ITEMS, { template: '/cart', line: '{id}', origin: 'https://s' }), 'cart.permalink: options.template: expected a string with {lines} in it'],
      [
        () => cartPermalink(ITEMS, { platform: 'shopify', origin: 'https://s', variantId: () => undefined as unknown as string }),
        'cart.permalink: options.variantId gave undefined for TR-100: expected a string or a whole number',
      ],
    ];
    for (const [call, message] of cases) expect(call).toThrow(expect.objectContaining({ code: 'invalid-payload', message }));
  });
});
