import { namesFor, signalOf, whenAvailable, type ConsentAdapter } from '../signal';

const DEFAULTS = { functional: ['vitrine-functional'], personalization: ['vitrine-personalization'], measurement: ['vitrine-measurement'] };

/**
 * Klaro: the manager's consents for the services named in the Klaro config (configurable),
 * once the shopper has confirmed, and at each change through `manager.watch`.
 */
export const klaro: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const names = namesFor(options, DEFAULTS);
  let watcher: { update(manager: unknown, event: string): void } | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let manager: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const read = (m: any, explicit: boolean) => {
    if (!m?.confirmed) return;
    onSignal(signalOf((service) => m.getConsent(service) === true, names, explicit));
  };
  const cancel = whenAvailable(
    () => w.klaro?.getManager?.(),
    (m) => {
      manager = m;
      watcher = { update: (_m, event) => event === 'saveConsents' && read(manager, true) };
      manager.watch(watcher);
      read(manager, false);
    },
    options.waitMs,
  );
  return () => {
    cancel();
    if (watcher) manager?.unwatch?.(watcher);
  };
};
