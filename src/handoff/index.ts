/**
 * `vitrine/handoff`: opens the cart handoff links the SDK makes (`v.cart.handoff()`), in any
 * JavaScript runtime with WebCrypto and CompressionStream: a browser, Node 20, an app's web
 * view. No dependencies. The key is in the link's fragment: whoever holds the link can open it,
 * and no server ever sees either.
 * @example
 * import { openHandoff } from 'vitrine/handoff';
 * const { items, expiresAt } = await openHandoff(url); // throws VitrineError 'invalid-handoff' with the reason
 */
export { openHandoff, handoffIn, HANDOFF_PARAM, HANDOFF_VERSION, type Handoff } from './link';
export type { CartItem } from '../protocol/cart';
export { isVitrineError } from '../protocol/errors';
