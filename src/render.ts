import { isSafeUrl } from './protocol/safe-url';
import { keepLastOffers, readLastOffers } from './last-offers';
import type { Decision, DecideContext, ExposureInput } from './protocol/decision';

/** Options of `v.render()`. */
export interface RenderOptions {
  /** How many offers. Default 3. */
  limit?: number;
  context?: DecideContext;
  /** The level of each offer's heading, to fit the page's outline. Default 3. */
  headingLevel?: 2 | 3 | 4 | 5 | 6;
  /** The accessible name of the offers region. Default "Offers for you". */
  label?: string;
  /** How long half an offer must stay visible to count as seen. Default 1000 ms (the IAB/MRC standard). */
  impressionDelayMs?: number;
}

/** A rendered slot. */
export interface RenderHandle {
  /** The offers shown now. */
  readonly offers: readonly Decision[];
  /** Asks the engine again and repaints if the offers changed. */
  refresh(): Promise<void>;
  /** Stops observing and empties the element. */
  destroy(): void;
}

/** What the renderer needs from the SDK. */
export interface RenderDeps {
  /** Whose copy of the last offers (src/last-offers.ts) is painted first and kept. */
  siteId: string;
  /** Whether the consent in force lets the page keep the offers it painted. */
  personalized(): boolean;
  decide(slot: string, options: { limit?: number; context?: DecideContext }): Promise<Decision[]>;
  /** The engine's copy of the slot's last decision, for when the page has none. */
  cached(slot: string): Promise<Decision[] | null>;
  record(report: ExposureInput): Promise<unknown>;
}

let ids = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// What the shopper sees of an offer; a decision that only re-scores it repaints nothing.
const view = (d: Decision) => JSON.stringify([d.id, d.variant, d.content, d.reasons]);
const same = (a: readonly Decision[], b: readonly Decision[]) => a.length === b.length && a.every((d, i) => view(d) === view(b[i]!));

/**
 * Renders a slot's offers into `element` with text and attributes only: catalog strings never
 * become markup, links and images only take http(s) or relative URLs. Paints the slot's last
 * offers at once (the page's copy, else the engine's), then the engine's answer, which it keeps
 * as the page's copy under personalization consent. Records impressions (half visible for
 * `impressionDelayMs`), clicks and dismissals.
 * @returns a handle to refresh or remove the offers
 */
export async function renderSlot(deps: RenderDeps, slot: string, element: Element, options: RenderOptions = {}): Promise<RenderHandle> {
  const { limit, context, headingLevel = 3, label = 'Offers for you', impressionDelayMs = 1000 } = options;
  let offers: Decision[] = [];
  const seen = new Set<string>();
  const timers = new Map<Element, ReturnType<typeof setTimeout>>();
  const observer =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              const article = entry.target as HTMLElement;
              clearTimeout(timers.get(article));
              if (entry.isIntersecting && entry.intersectionRatio >= 0.5)
                timers.set(
                  article,
                  setTimeout(() => seenOffer(article), impressionDelayMs),
                );
            }
          },
          { threshold: 0.5 },
        )
      : undefined;

  const keep = () => deps.personalized() && keepLastOffers(deps.siteId, slot, offers);
  const report = (d: Decision, kind: ExposureInput['kind']) => deps.record({ offer: d.id, variant: d.variant, arm: d.arm, slot, kind });

  function seenOffer(article: HTMLElement): void {
    const d = offers.find((o) => o.id === article.dataset.vitrineOffer);
    if (!d || seen.has(`${d.id}|${d.variant}`)) return;
    seen.add(`${d.id}|${d.variant}`);
    observer?.unobserve(article);
    void report(d, 'impression');
  }

  function offerNode(d: Decision): HTMLElement {
    const id = `vitrine-${++ids}`;
    // A later decision may confirm this offer without a repaint: what is recorded is from the newest.
    const newest = () => offers.find((o) => o.id === d.id) ?? d;
    const article = el('article', { class: 'vitrine-offer', 'aria-labelledby': id, 'data-vitrine-offer': d.id, 'data-vitrine-variant': d.variant });
    const { title, body, image, imageAlt, cta } = d.content;
    if (image && isSafeUrl(image)) article.append(el('img', { class: 'vitrine-image', src: image, alt: imageAlt ?? '', loading: 'lazy' }));
    article.append(el(`h${headingLevel}` as 'h3', { id, class: 'vitrine-title' }, title));
    if (body) article.append(el('p', { class: 'vitrine-body' }, body));
    if (cta && isSafeUrl(cta.href)) {
      const link = el('a', { class: 'vitrine-cta', href: cta.href }, cta.label);
      link.addEventListener('click', (event) => {
        const plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
        const recorded = report(newest(), 'click');
        if (!plain) return;
        // Hold the navigation a moment so the click is stored before the page goes away.
        event.preventDefault();
        const go = () => location.assign(link.href);
        void Promise.race([recorded, new Promise((r) => setTimeout(r, 300))]).then(go, go);
      });
      article.append(link);
    }
    const why = el('details', { class: 'vitrine-why' });
    why.append(el('summary', {}, 'Why this offer?'));
    const list = el('ul');
    for (const reason of d.reasons) list.append(el('li', {}, reason));
    why.append(list);
    const dismiss = el('button', { type: 'button', class: 'vitrine-dismiss', 'aria-label': `Dismiss offer: ${title}` }, 'Dismiss');
    dismiss.addEventListener('click', () => {
      void report(newest(), 'dismiss');
      offers = offers.filter((o) => o.id !== d.id);
      keep();
      const next = (article.nextElementSibling ?? article.previousElementSibling) as HTMLElement | null;
      observer?.unobserve(article);
      article.remove();
      // Keep keyboard focus in the slot: on the next offer, or the region itself.
      const target = (next?.querySelector('.vitrine-cta, .vitrine-dismiss') as HTMLElement | null) ?? region;
      target.focus();
    });
    article.append(why, dismiss);
    return article;
  }

  const region = el('section', { class: 'vitrine-slot', 'aria-label': label, 'data-vitrine-slot': slot, tabindex: '-1' });

  function paint(next: Decision[]): void {
    const unchanged = same(offers, next) && region.isConnected;
    // The newest decision always stands (its arm is what impressions record).
    offers = next;
    if (unchanged) return;
    observer?.disconnect();
    timers.forEach(clearTimeout);
    timers.clear();
    region.replaceChildren(...next.map(offerNode));
    if (!region.isConnected) element.replaceChildren(region);
    for (const article of region.children) observer?.observe(article);
  }

  const refresh = async () => {
    paint(await deps.decide(slot, { ...(limit ? { limit } : {}), ...(context ? { context } : {}) }));
    keep();
  };

  const cached = readLastOffers(deps.siteId, slot) ?? (await deps.cached(slot).catch(() => null));
  if (cached?.length) {
    paint(cached.slice(0, limit ?? 3));
    // The cached offers stay if the engine cannot answer now, while the consent in force allows
    // them (an engine that never started allows none); the error still reaches the caller of refresh().
    await refresh().catch(() => deps.personalized() || paint([]));
  } else {
    await refresh();
  }
  return {
    get offers() {
      return offers;
    },
    refresh,
    destroy() {
      observer?.disconnect();
      timers.forEach(clearTimeout);
      region.remove();
    },
  };
}

/** What the render chunk (dist/vitrine-render.js) gives the SDK. */
export interface RenderModule {
  renderSlot: typeof renderSlot;
}
