import { namesFor, signalOf, whenAvailable, type ConsentAdapter } from '../signal';

const DEFAULTS = { functional: ['C0003'], personalization: ['C0004'], measurement: ['C0002'] };

/**
 * OneTrust: the active groups in `OnetrustActiveGroups` (",C0001,C0003,"), read on load and
 * at each `OneTrustGroupsUpdated` event. Group ids are configurable.
 */
export const onetrust: ConsentAdapter = ({ window: w, options, report }) => {
  const names = namesFor(options, DEFAULTS);
  const read = (explicit: boolean) => {
    const groups = w.OnetrustActiveGroups;
    if (typeof groups !== 'string') return;
    const active = new Set(groups.split(',').filter(Boolean));
    report(signalOf((name) => active.has(name), names, explicit));
  };
  const onUpdate = () => {
    cancel();
    read(w.OneTrust?.IsAlertBoxClosed?.() === true);
  };
  w.addEventListener('OneTrustGroupsUpdated', onUpdate);
  const cancel = whenAvailable(() => typeof w.OnetrustActiveGroups === 'string', () => read(false), options.waitMs);
  return () => {
    cancel();
    w.removeEventListener('OneTrustGroupsUpdated', onUpdate);
  };
};
