/*
 * What the shopper sees of a handoff link on the receiving page: a modal <dialog> with text
 * only (nothing from the link becomes markup), labelled and described for screen readers,
 * keyboard-first (the browser traps focus in it, Escape closes it as a "no"), styleable through
 * its classes (`vitrine-handoff`, `vitrine-handoff-title`, `vitrine-handoff-body`,
 * `vitrine-handoff-yes`, `vitrine-handoff-no`).
 */

let ids = 0;

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Shows a dialog and resolves with the shopper's answer once it is closed.
 * @param doc the page's document
 * @param title the question or the news, its accessible name
 * @param body one sentence more, its accessible description
 * @param yes the label of the button that says yes, or undefined for a notice with one button
 * @param no the label of the other button (the one of a notice)
 * @returns true for yes; false for no, Escape, or a notice read
 */
export function showDialog(doc: Document, title: string, body: string, yes: string | undefined, no: string): Promise<boolean> {
  const id = `vitrine-handoff-${++ids}`;
  const dialog = el(doc, 'dialog', 'vitrine-handoff');
  dialog.setAttribute('aria-labelledby', `${id}-title`);
  dialog.setAttribute('aria-describedby', `${id}-body`);
  const heading = el(doc, 'h2', 'vitrine-handoff-title', title);
  heading.id = `${id}-title`;
  const text = el(doc, 'p', 'vitrine-handoff-body', body);
  text.id = `${id}-body`;
  const buttons = [yes, no].flatMap((label, i) => {
    if (label === undefined) return [];
    const button = el(doc, 'button', i === 0 ? 'vitrine-handoff-yes' : 'vitrine-handoff-no', label);
    button.type = 'button';
    button.addEventListener('click', () => dialog.close(i === 0 ? 'yes' : 'no'));
    return [button];
  });
  dialog.append(heading, text, ...buttons);
  doc.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'yes');
    });
    dialog.showModal();
    // The first button has the focus: the answer is one key away.
    buttons[0]!.focus();
  });
}

/**
 * Asks before a handed-off cart changes the shopper's: "Add 3 items from your other device?"
 * @param count how many items (units, over all lines) the link holds
 * @returns the shopper's answer
 */
export function askToAdd(doc: Document, count: number): Promise<boolean> {
  const items = count === 1 ? '1 item' : `${count} items`;
  return showDialog(doc, `Add ${items} from your other device?`, 'They come from a cart link you opened. Nothing changes in your cart unless you say so.', 'Add to my cart', 'Not now');
}
