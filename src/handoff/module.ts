import { createHandoffLink } from './link';
import { receiveHandoff } from './receive';
import { cartPermalink } from './permalink';
import { shareLink } from './share';

/** What the handoff chunk (dist/vitrine-handoff.js) gives the SDK: making a link, taking one in, and the platform's cart link. */
export interface HandoffModule {
  createHandoffLink: typeof createHandoffLink;
  receiveHandoff: typeof receiveHandoff;
  cartPermalink: typeof cartPermalink;
  shareLink: typeof shareLink;
}

/** The handoff chunk's module, registered by src/handoff-entry.ts. */
export const handoffModule: HandoffModule = { createHandoffLink, receiveHandoff, cartPermalink, shareLink };
