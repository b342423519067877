import { VitrineError } from '../protocol/errors';

/**
 * Shares a link the way people share: the system's share sheet where the browser has one
 * (`navigator.share`, which needs the shopper's click), else the clipboard.
 * @param link the link
 * @param title what the share sheet calls it
 * @returns `shared`, `copied`, or `cancelled` when the shopper closed the share sheet
 * @throws VitrineError `invalid-handoff` when the browser can do neither (show the link or its QR code instead)
 */
export async function shareLink(link: string, title: string): Promise<'shared' | 'copied' | 'cancelled'> {
  const data = { title, url: link };
  if (typeof navigator.share === 'function' && (navigator.canShare?.(data) ?? true)) {
    try {
      await navigator.share(data);
      return 'shared';
    } catch (error) {
      if ((error as Error).name === 'AbortError') return 'cancelled';
      // Not allowed here (no click, a frame without the permission): the clipboard instead.
    }
  }
  try {
    await navigator.clipboard.writeText(link);
    return 'copied';
  } catch (error) {
    throw new VitrineError('invalid-handoff', `handoff link: this browser can neither share nor copy it (${(error as Error).message}): show the link or its QR code instead`);
  }
}
