import { tcfSignal, whenAvailable, type ConsentAdapter, type ConsentSignal } from '../signal';

interface PingData {
  signalStatus?: string;
  applicableSections?: number[];
  parsedSections?: Record<string, unknown>;
}

const TCF_EU = 2;
const US_NAT = 7;

function fromPing(ping: PingData, vendorId: number | undefined): ConsentSignal | undefined {
  const applicable = ping.applicableSections ?? [];
  const sections = ping.parsedSections ?? {};
  // [-1]: the CMP says no privacy law it knows of applies here. An empty list is not an answer.
  if (applicable.length === 1 && applicable[0] === -1) {
    return { functional: true, personalization: true, measurement: true, explicit: false };
  }
  const tcfEu = sections.tcfeuv2 as { PurposeConsents?: boolean[]; PurposeLegitimateInterests?: boolean[]; VendorConsents?: number[] } | undefined;
  if (applicable.includes(TCF_EU) && tcfEu) {
    const vendor = vendorId === undefined || !!tcfEu.VendorConsents?.includes(vendorId);
    return tcfSignal(
      (n) => tcfEu.PurposeConsents?.[n - 1] === true,
      (n) => tcfEu.PurposeLegitimateInterests?.[n - 1] === true,
      vendor,
      false,
    );
  }
  // US sections (national, or a state's: ids 7 and up) carry the same opt-out fields: 1 means opted out.
  const us = (
    applicable.includes(US_NAT) ? sections.usnat : applicable.some((id) => id > US_NAT) ? Object.entries(sections).find(([name]) => name.startsWith('us') && name !== 'usnat')?.[1] : undefined
  ) as Record<string, unknown> | undefined;
  if (us) {
    const out = (field: string) => us[field] === 1;
    const gpc = us.Gpc === true;
    const noSale = !out('SaleOptOut') && !out('SharingOptOut') && !gpc;
    return { functional: true, personalization: noSale && !out('TargetedAdvertisingOptOut'), measurement: noSale, explicit: false };
  }
  return undefined;
}

/**
 * IAB GPP: listens with `__gpp('addEventListener')`, decides only once `signalStatus` is
 * `ready`. `usnat` (and the US state sections) opt-outs and their GPC field turn
 * personalization and measurement off; a `tcfeuv2` section is read with the TCF mapping.
 */
export const gpp: ConsentAdapter = ({ window: w, options, onSignal }) => {
  let stop: () => void = () => undefined;
  const cancel = whenAvailable(
    () => typeof w.__gpp === 'function' && w.__gpp,
    (api: (command: string, callback: (data: { listenerId?: number; pingData?: PingData } | null, success: boolean) => void, parameter?: unknown) => void) => {
      let listenerId: number | undefined;
      api('addEventListener', (event, success) => {
        if (!success || !event || typeof event !== 'object') return;
        if (typeof event.listenerId === 'number') listenerId = event.listenerId;
        const ping = event.pingData;
        if (ping?.signalStatus !== 'ready') return;
        const signal = fromPing(ping, options.vendorId);
        if (signal) onSignal(signal);
      });
      stop = () => {
        if (listenerId !== undefined) api('removeEventListener', () => undefined, listenerId);
      };
    },
    options.waitMs,
  );
  return () => {
    cancel();
    stop();
  };
};
