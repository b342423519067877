import { namesFor, signalOf, whenAvailable, type ConsentAdapter } from '../signal';

const DEFAULTS = { functional: ['C0003'], personalization: ['C0004'], measurement: ['C0002'] };

/**
 * OneTrust: the active groups in `OnetrustActiveGroups` (",C0001,C0003,"), read on load and
 * at each `OneTrustGroupsUpdated` event, once the shopper has closed the banner
 * (`OneTrust.IsAlertBoxClosed()`). Group ids are configurable.
 */
export const onetrust: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const names = namesFor(options, DEFAULTS);
  // The shopper has decided once the banner was closed; closed during this page, it is their act now.
  const closed = () => w.OneTrust?.IsAlertBoxClosed?.() === true;
  let closedAtStart: boolean | undefined;
  const read = () => {
    const groups = w.OnetrustActiveGroups;
    if (typeof groups !== 'string' || !w.OneTrust) return;
    closedAtStart ??= closed();
    if (!closed()) return;
    const explicit = !closedAtStart;
    const active = new Set(groups.split(',').filter(Boolean));
    onSignal(signalOf((name) => active.has(name), names, explicit));
  };
  const onUpdate = () => {
    cancel();
    read();
  };
  w.addEventListener('OneTrustGroupsUpdated', onUpdate);
  const cancel = whenAvailable(() => typeof w.OnetrustActiveGroups === 'string' && w.OneTrust, read, options.waitMs);
  return () => {
    cancel();
    w.removeEventListener('OneTrustGroupsUpdated', onUpdate);
  };
};
