import { describe, expect, it } from 'vitest';
import { createConsentCore } from '../../src/consent/core';
import type { ConsentState } from '../../src/protocol/consent';

// The page's consent state: what reaches the engine (and so storage) and what the page hears.

function core(gpc = false) {
  const applied: ConsentState[] = [];
  const heard: ConsentState[] = [];
  const c = createConsentCore(
    async (state) => void applied.push(state),
    (e) => {
      throw e;
    },
    gpc,
  );
  c.on('change', (state) => heard.push(state));
  return { c, applied, heard };
}

const all = { functional: true, personalization: true, measurement: true };

describe('consent core', () => {
  it('applies a CMP’s decision once: the same decision told again on the next page writes nothing', async () => {
    const { c, applied, heard } = core();
    await c.external({ ...all, explicit: false }, 'cookieconsent');
    await c.external({ ...all, explicit: false }, 'cookieconsent');
    await c.external({ ...all, explicit: false }, 'cookieconsent');
    expect(applied).toHaveLength(1);
    expect(heard).toHaveLength(1);
    expect(c.get()).toMatchObject({ decided: true, purposes: { ...all, necessary: true }, source: 'cookieconsent' });
  });

  it('applies a change, and a shopper’s act that confirms a stored decision', async () => {
    const { c, applied } = core();
    await c.restore({ decided: true, purposes: { ...all, necessary: true }, source: 'cookieconsent', updatedAt: 1, explicit: false });
    expect(applied).toHaveLength(0);
    await c.external({ ...all, explicit: false }, 'cookieconsent');
    expect(applied).toHaveLength(0);
    await c.external({ ...all, explicit: true }, 'cookieconsent');
    expect(applied.map((s) => s.explicit)).toEqual([true]);
    await c.external({ ...all, personalization: false, explicit: true }, 'cookieconsent');
    expect(applied.map((s) => s.purposes.personalization)).toEqual([true, false]);
    expect(c.get().purposes.personalization).toBe(false);
  });

  it('always applies what the shop sets through consent.set()', async () => {
    const { c, applied } = core();
    await c.set(all);
    await c.set(all);
    expect(applied).toHaveLength(2);
  });

  it('under Global Privacy Control, a CMP’s default repeated is still one decision, capped', async () => {
    const { c, applied } = core(true);
    await c.external({ ...all, explicit: false }, 'tcf');
    await c.external({ ...all, explicit: false }, 'tcf');
    expect(applied).toHaveLength(1);
    expect(applied[0]!.purposes).toMatchObject({ personalization: false, measurement: false, functional: true });
  });
});
