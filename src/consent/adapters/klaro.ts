import { namesFor, signalOf, whenAvailable, type ConsentAdapter } from '../signal';

const DEFAULTS = { functional: ['vitrine-functional'], personalization: ['vitrine-personalization'], measurement: ['vitrine-measurement'] };

/**
 * Klaro: the manager's consents for the services named in the Klaro config (configurable),
 * once the shopper has confirmed, and at each change through `manager.watch`.
 */
export const klaro: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const names = namesFor(options, DEFAULTS);
  let watcher: { update(manager: unknown, event: string): void } | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: Klaro's consent manager, of no published type; every member is checked before use.
  let manager: any;
  // biome-ignore lint/suspicious/noExplicitAny: the same manager, as Klaro's watcher hands it over.
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
