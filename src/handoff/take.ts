import { HANDOFF_PARAM } from './link';

/**
 * Takes a cart handoff link's fragment out of the address bar as soon as vitrine.js runs, so
 * that it is in no history entry, bookmark or link shared from this page; the handoff chunk
 * opens it once the engine runs (src/handoff/receive.ts).
 * @returns the fragment the page was opened with, or null when it carries no handoff
 */
export function takeHandoff(): string | null {
  const { hash } = location;
  if (!hash.includes(`${HANDOFF_PARAM}=`)) return null;
  // A handoff link's fragment is the handoff alone (src/handoff/link.ts sets all of it).
  history.replaceState(history.state, '', location.pathname + location.search);
  return hash;
}
