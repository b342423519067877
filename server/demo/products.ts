/**
 * The demo shop's assortment: six categories of five products, generated from the short
 * lists below so that a page, a test and the catalog's offers all name the same SKUs.
 * Nothing here is Vitrine: a real shop has its own product data.
 */

/** A department of the demo shop. */
export interface Category {
  id: string;
  /** How the shop names it. */
  label: string;
  /** One line under the heading of its page. */
  blurb: string;
  /** The local SVG its products show (demo/img/). */
  image: string;
  /** Consumables run out: the order confirmation offers to restock them. */
  consumable: boolean;
}

/** A product of the demo shop. */
export interface Product {
  sku: string;
  name: string;
  category: string;
  brand: string;
  /** Euros. */
  price: number;
  description: string;
}

/** The shop's currency, as the SDK's track payloads and cart lines carry it. */
export const CURRENCY = 'EUR';

/** Every category, in the order the navigation lists them. */
export const CATEGORIES: readonly Category[] = [
  { id: 'trail-running', label: 'Trail running', blurb: 'Shoes and kit for mud, rock and long climbs.', image: 'trail', consumable: false },
  { id: 'road-running', label: 'Road running', blurb: 'Light, fast shoes and gear for the tarmac.', image: 'road', consumable: false },
  { id: 'yoga', label: 'Yoga', blurb: 'Mats, blocks and clothing for your practice.', image: 'yoga', consumable: false },
  { id: 'coffee', label: 'Coffee', blurb: 'Freshly roasted beans, ground to order.', image: 'coffee', consumable: true },
  { id: 'wellbeing', label: 'Wellbeing', blurb: 'Teas and small things for calmer evenings.', image: 'wellbeing', consumable: true },
  { id: 'outdoor', label: 'Outdoor', blurb: 'Headlamps, bottles and packs for the long day out.', image: 'outdoor', consumable: false },
];

/** Per category: its SKU prefix, brands, and five products as [name, price, what it is]. */
const ASSORTMENT: Record<string, { prefix: string; brands: [string, string]; items: [string, number, string][] }> = {
  'trail-running': {
    prefix: 'TR',
    brands: ['Ridge', 'Scree'],
    items: [
      ['Trail runner', 89, 'A grippy, cushioned shoe for muddy mornings.'],
      ['Trail vest', 59, 'A light hydration vest with two soft flasks.'],
      ['Trail poles', 79, 'Folding carbon poles for steep climbs.'],
      ['Waterproof jacket', 129, 'A packable shell that keeps the rain out.'],
      ['Gaiters', 25, 'Keep stones and grit out of your shoes.'],
    ],
  },
  'road-running': {
    prefix: 'RD',
    brands: ['Pace', 'Stride'],
    items: [
      ['Road racer', 119, 'A light, springy shoe for race day.'],
      ['Daily trainer', 99, 'A durable shoe for the everyday miles.'],
      ['Running shorts', 35, 'Light shorts with a zipped pocket.'],
      ['Reflective vest', 29, 'Be seen on early and late runs.'],
      ['Running socks', 12, 'Seamless socks that stay put.'],
    ],
  },
  yoga: {
    prefix: 'YG',
    brands: ['Lotus', 'Asana'],
    items: [
      ['Yoga mat', 35, 'A 5 mm mat that grips on both sides.'],
      ['Yoga blocks', 18, 'Two cork blocks for support in every pose.'],
      ['Yoga strap', 9, 'A cotton strap for deeper stretches.'],
      ['Meditation cushion', 39, 'A buckwheat cushion for sitting practice.'],
      ['Yoga leggings', 49, 'Soft, opaque leggings that move with you.'],
    ],
  },
  coffee: {
    prefix: 'CF',
    brands: ['Crema', 'Origin'],
    items: [
      ['Coffee beans', 14, 'A chocolatey house blend, 500 g.'],
      ['Single origin beans', 18, 'Bright Ethiopian beans, 250 g.'],
      ['Decaf beans', 15, 'Swiss water decaf, 500 g.'],
      ['Pour-over filters', 6, 'One hundred paper filters.'],
      ['Espresso blend', 16, 'A dark, syrupy espresso roast, 500 g.'],
    ],
  },
  wellbeing: {
    prefix: 'WB',
    brands: ['Still', 'Hearth'],
    items: [
      ['Calming tea', 9, 'Chamomile and lemon balm, 20 bags.'],
      ['Sleep tea', 9, 'Valerian and lavender, 20 bags.'],
      ['Bath salts', 14, 'Magnesium flakes with eucalyptus.'],
      ['Massage oil', 19, 'Almond oil with arnica, 100 ml.'],
      ['Herbal balm', 11, 'A soothing balm for tired muscles.'],
    ],
  },
  outdoor: {
    prefix: 'OD',
    brands: ['Summit', 'Trailhead'],
    items: [
      ['Headlamp', 45, '400 lumens, rechargeable.'],
      ['Water bottle', 19, 'An insulated steel bottle, 750 ml.'],
      ['Day pack', 69, 'A 20 l pack with a rain cover.'],
      ['First aid kit', 24, 'A compact kit for the trail.'],
      ['Emergency blanket', 6, 'A foil blanket that weighs 60 g.'],
    ],
  },
};

/** Every product, by category in navigation order. */
export const PRODUCTS: readonly Product[] = CATEGORIES.flatMap((category) => {
  const { prefix, brands, items } = ASSORTMENT[category.id]!;
  return items.map(
    ([name, price, description], i): Product => ({
      sku: `${prefix}-${(i + 1) * 100}`,
      name,
      category: category.id,
      brand: brands[i % 2]!,
      price,
      description,
    }),
  );
});

/** @returns the products the home page features: the first of each category */
export const featuredProducts = (): Product[] => CATEGORIES.map((c) => PRODUCTS.find((p) => p.category === c.id)!);

/** @returns the category with this id, if the shop has it */
export const categoryOf = (id: string): Category | undefined => CATEGORIES.find((c) => c.id === id);

/** @returns the product with this SKU, if the shop has it */
export const productOf = (sku: string): Product | undefined => PRODUCTS.find((p) => p.sku === sku);

/**
 * The shop's own search: every word of the query must appear in a product's name, brand,
 * category or description (case-insensitive).
 * @param query what the shopper typed
 * @returns the matching products, at most 30
 */
export function searchProducts(query: string): Product[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  return PRODUCTS.filter((p) => {
    const text = `${p.name} ${p.brand} ${categoryOf(p.category)!.label} ${p.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  }).slice(0, 30);
}
