import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config';

const read = (env: Record<string, string>) => readConfig(env, '/srv/vitrine');

describe('the settings of learning and central noise', () => {
  it('takes the priors\' key file, cadence and half-life, with their defaults', () => {
    expect(read({})).toMatchObject({ priorsKeyFile: undefined, priorsMinutes: 60, priorsHalfLifeDays: 14, centralEpsilon: undefined });
    expect(read({ VITRINE_PRIORS_KEY: '/etc/vitrine/priors.jwk', VITRINE_PRIORS_MINUTES: '15', VITRINE_PRIORS_HALF_LIFE_DAYS: '0' })).toMatchObject({
      priorsKeyFile: '/etc/vitrine/priors.jwk', priorsMinutes: 15, priorsHalfLifeDays: 0,
    });
    expect(() => read({ VITRINE_PRIORS_MINUTES: '0' })).toThrow('VITRINE_PRIORS_MINUTES must be a whole number from 1 to 10080, got "0"');
  });

  it('takes central noise for every site or per site, and says what is wrong with a bad value', () => {
    const secret = { VITRINE_CENTRAL_SECRET: 'a-secret-of-thirty-two-characters!' };
    expect(read({ ...secret, VITRINE_CENTRAL_EPSILON: '1' })).toMatchObject({ centralEpsilon: { '*': 1 }, centralSecret: secret.VITRINE_CENTRAL_SECRET });
    expect(read({ ...secret, VITRINE_CENTRAL_EPSILON: 'shop-a=1, shop-b=0.5' }).centralEpsilon).toEqual({ 'shop-a': 1, 'shop-b': 0.5 });
    for (const bad of ['0', 'shop-a=', 'x y=1', 'lots']) {
      expect(() => read({ ...secret, VITRINE_CENTRAL_EPSILON: bad })).toThrow(/^VITRINE_CENTRAL_EPSILON must be an ε from 0.01 to 20/);
    }
  });

  it('wants a secret of its own for central noise: never none, a short one or the token readers have', () => {
    expect(() => read({ VITRINE_CENTRAL_EPSILON: '1' })).toThrow(/^VITRINE_CENTRAL_SECRET must be set with VITRINE_CENTRAL_EPSILON/);
    expect(() => read({ VITRINE_CENTRAL_EPSILON: '1', VITRINE_CENTRAL_SECRET: 'short' })).toThrow(/^VITRINE_CENTRAL_SECRET must be set/);
    const same = 'a-secret-of-thirty-two-characters!';
    expect(() => read({ VITRINE_CENTRAL_EPSILON: '1', VITRINE_CENTRAL_SECRET: same, VITRINE_TOKEN: same })).toThrow('VITRINE_CENTRAL_SECRET must not be VITRINE_TOKEN');
  });
});
