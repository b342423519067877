import type { Cart, CartOp } from '../protocol/cart';
import { logError } from '../protocol/errors';
import { askToAdd, showDialog } from './ask';
import { openHandoff, type Handoff } from './link';

/** What the receiving page needs of the SDK's cart. */
export interface HandoffCart {
  get(): Promise<Cart>;
  /** Applies the link's lines (by the cart's merge rules, under the consent in force). */
  apply(op: CartOp): Promise<Cart>;
}

/** How a handoff link ended on the receiving page. */
export type HandoffOutcome = 'added' | 'declined' | 'already-added' | 'refused';

/**
 * Opens the handoff link this page was opened with and asks the shopper before anything
 * changes; only a yes merges its lines into the cart. A link that cannot be used (expired,
 * changed, cut short, of another version) is explained to the shopper, and to the developer
 * in the console, and changes nothing; a link merged before adds nothing.
 * @param fragment the page's fragment as it was opened (already gone from the address bar)
 * @param cart the SDK's cart
 * @param doc the page's document
 * @returns what happened
 */
export async function receiveHandoff(fragment: string, cart: HandoffCart, doc: Document): Promise<HandoffOutcome> {
  let handoff: Handoff;
  try {
    handoff = await openHandoff(fragment);
  } catch (error) {
    logError(error);
    const reason = (error as Error).message.replace(/^handoff link: /, '');
    await showDialog(doc, 'This cart link cannot be used', `${reason[0]!.toUpperCase()}${reason.slice(1)}. Your cart is unchanged.`, undefined, 'OK');
    return 'refused';
  }
  if ((await cart.get()).handoffs?.includes(handoff.id)) {
    await showDialog(doc, 'These items are already in your cart', 'This cart link was added before. Your cart is unchanged.', undefined, 'OK');
    return 'already-added';
  }
  const count = handoff.items.reduce((sum, item) => sum + item.qty, 0);
  if (!(await askToAdd(doc, count))) return 'declined';
  await cart.apply({ kind: 'handoff', id: handoff.id, at: handoff.createdAt, items: handoff.items });
  return 'added';
}
