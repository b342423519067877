import { findTcfLocator, tcfSignal, whenAvailable, type ConsentAdapter, type PageWindow } from '../signal';

type TcfApi = (command: string, version: number, callback: (data: TcData | null, success: boolean) => void, parameter?: unknown) => void;

interface TcData {
  eventStatus?: string;
  gdprApplies?: boolean;
  listenerId?: number;
  purpose?: { consents?: Record<string, boolean>; legitimateInterests?: Record<string, boolean> };
  vendor?: { consents?: Record<string, boolean> };
}

/**
 * A `__tcfapi` for pages in an iframe: the `__tcfapiLocator` postMessage protocol of the TCF
 * spec. Only answers from the window that holds the locator, with a call id we sent, count;
 * forged or malformed messages are ignored.
 */
function viaLocator(w: PageWindow): TcfApi | undefined {
  const cmp = findTcfLocator(w);
  if (!cmp) return undefined;
  const calls = new Map<string, (data: TcData | null, success: boolean) => void>();
  w.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== cmp) return;
    let data: unknown = event.data;
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch {
        return;
      }
    }
    const ret = (data as { __tcfapiReturn?: { callId?: unknown; returnValue?: unknown; success?: unknown } } | null)?.__tcfapiReturn;
    if (!ret || typeof ret.callId !== 'string' || !calls.has(ret.callId)) return;
    const value = ret.returnValue;
    calls.get(ret.callId)!(value && typeof value === 'object' ? (value as TcData) : null, ret.success === true);
  });
  let n = 0;
  return (command, version, callback, parameter) => {
    const callId = `vitrine-${Date.now().toString(36)}-${n++}`;
    calls.set(callId, callback);
    cmp.postMessage({ __tcfapiCall: { command, version, parameter, callId } }, '*');
  };
}

/**
 * IAB TCF v2.2: listens with `addEventListener` and acts only on `tcloaded` and
 * `useractioncomplete`. `gdprApplies: false` grants every purpose (the CMP says GDPR does
 * not apply here). A CMP that never answers leaves the SDK closed.
 */
export const tcf: ConsentAdapter = ({ window: w, options, onSignal }) => {
  let stop: () => void = () => undefined;
  const cancel = whenAvailable(
    () => (typeof w.__tcfapi === 'function' ? (w.__tcfapi as TcfApi) : viaLocator(w)),
    (api) => {
      let listenerId: number | undefined;
      api('addEventListener', 2, (data, success) => {
        if (!success || !data || typeof data !== 'object') return;
        if (typeof data.listenerId === 'number') listenerId = data.listenerId;
        if (data.gdprApplies === false) {
          onSignal({ functional: true, personalization: true, measurement: true, explicit: false });
          return;
        }
        if (data.eventStatus !== 'tcloaded' && data.eventStatus !== 'useractioncomplete') return;
        const consents = data.purpose?.consents ?? {};
        const interests = data.purpose?.legitimateInterests ?? {};
        const vendor = options.vendorId === undefined || data.vendor?.consents?.[options.vendorId] === true;
        onSignal(
          tcfSignal(
            (n) => consents[n] === true,
            (n) => interests[n] === true,
            vendor,
            data.eventStatus === 'useractioncomplete',
          ),
        );
      });
      stop = () => {
        if (listenerId !== undefined) api('removeEventListener', 2, () => undefined, listenerId);
      };
    },
    options.waitMs,
  );
  return () => {
    cancel();
    stop();
  };
};
