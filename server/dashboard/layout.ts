import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { STYLE } from './style';
import type { Place } from './place';

type Content = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A whole dashboard document: language, title, styles, then the content (which holds the one h1). */
export function page(title: string, content: Content) {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>${STYLE}</head>
<body>${content}</body></html>`;
}

/** Hidden fields that carry a place through a form. */
export function placeFields(place: Partial<Place>) {
  return (['site', 'from', 'to'] as const).map((name) => (place[name] ? html`<input type="hidden" name="${name}" value="${place[name]}">` : ''));
}
