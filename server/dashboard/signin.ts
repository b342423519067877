import { SITE_ID_PATTERN } from '../../src/protocol/ids';
import { html } from 'hono/html';
import { page, placeFields } from './layout';
import type { Place } from './place';

/**
 * The sign-in form. It carries the site and range that were asked for, so signing in lands on them.
 * @param base the dashboard's path
 * @param carried the valid place values asked for
 * @param problem what went wrong, if anything
 */
export function signInPage(base: string, carried: Partial<Place>, problem?: string) {
  return page(
    'Vitrine dashboard: sign in',
    html`<main><h1>Vitrine dashboard${carried.site ? html`: ${carried.site}` : ''}</h1>
<form method="post" action="${base}/login">
${problem ? html`<p class="alert" role="alert">${problem}</p>` : ''}
${placeFields(carried)}
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<p><button type="submit">Sign in</button></p></form></main>`,
  );
}

/**
 * Asks which site to show, when none was asked for and none is configured, or the one asked for is not a site id.
 * @param base the dashboard's path
 * @param errors what was wrong with the values asked for
 */
export function sitePage(base: string, carried: Partial<Place>, errors: string[]) {
  return page(
    'Vitrine dashboard: choose a site',
    html`<main><h1>Which site?</h1>
<form method="get" action="${base || '/'}">
${errors.length ? html`<div class="alert" role="alert">${errors.map((e) => html`<p>${e}</p>`)}</div>` : ''}
<label for="site">Site id</label>
<p class="hint" id="site-hint">As in your snippet's <code>siteId</code> option, e.g. demo-shop.</p>
<input id="site" name="site" required pattern="${SITE_ID_PATTERN}" aria-describedby="site-hint" value="${carried.site ?? ''}">
${placeFields({ from: carried.from, to: carried.to })}
<p><button type="submit">Show</button></p></form></main>`,
  );
}
