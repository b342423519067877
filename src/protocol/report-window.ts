import { DAY_MS, MINUTE_MS } from './time';

/** A report window's length (the `reportWindow` option, Report v1's `windowMs`): a minute to 31 days, a day unless set. */
export const REPORT_WINDOW_MS = { min: MINUTE_MS, max: 31 * DAY_MS, default: DAY_MS } as const;
