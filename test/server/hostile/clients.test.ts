import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { clientNetwork, LruMap } from '../../../server/collector/client-key';
import { createRateLimiter, TRACKED_CLIENTS } from '../../../server/collector/rate-limit';
import { clientAddressOf } from '../../../server/client-address';
import { readConfig } from '../../../server/config';

describe('rate limiting that holds behind proxies', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('keys %s by %s', (address, network) => {
    expect(clientNetwork(address)).toBe(network);
  });

  it('limits every address of one IPv6 /64 together, and another /64 apart', () => {
    const limit = createRateLimiter(2);
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(limit('2001:db8:1:2::1', now)).toBe(0);
    expect(limit('2001:db8:1:2::2', now)).toBe(0);
    expect(limit('2001:db8:1:2:ffff:ffff:ffff:ffff', now)).toBeGreaterThan(0);
    expect(limit('2001:db8:1:3::1', now)).toBe(0);
  });

  it('forgets the least recently used client first, not every client at once', () => {
    const map = new LruMap<number>(3);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.get('a')).toBe(1);
    map.set('d', 4);
    expect([map.get('a'), map.get('b'), map.get('c'), map.get('d')]).toEqual([1, undefined, 3, 4]);
    expect(map.size).toBe(3);
  });

  it(`keeps limiting a busy client while ${TRACKED_CLIENTS} others pass by`, () => {
    const limit = createRateLimiter(1);
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(limit('198.51.100.1', now)).toBe(0);
    for (let i = 0; i < TRACKED_CLIENTS; i++) {
      limit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, now);
      if (i % 1000 === 0) expect(limit('198.51.100.1', now)).toBeGreaterThan(0);
    }
    expect(limit('198.51.100.1', now)).toBeGreaterThan(0);
  });

  it.each([
    [0, '203.0.113.9, 10.0.0.1', undefined],
    [1, '203.0.113.9, 10.0.0.1', '10.0.0.1'],
    [2, '203.0.113.9, 10.0.0.1', '203.0.113.9'],
    [2, 'spoofed, 203.0.113.9, 10.0.0.1', '203.0.113.9'],
    [3, '203.0.113.9', '203.0.113.9'],
  ])('with %i trusted hops, takes the client of X-Forwarded-For %j as %s', async (hops, forwarded, expected) => {
    const app = new Hono().get('/', (c) => c.text(clientAddressOf(hops)(c) ?? 'socket'));
    const res = await app.request('/', { headers: { 'X-Forwarded-For': forwarded } });
    expect(await res.text()).toBe(expected ?? 'socket');
  });

  it('reads VITRINE_TRUST_PROXY as a number of hops, 1 as before', () => {
    expect(readConfig({}, '/srv').trustProxy).toBe(0);
    expect(readConfig({ VITRINE_TRUST_PROXY: '1' }, '/srv').trustProxy).toBe(1);
    expect(readConfig({ VITRINE_TRUST_PROXY: '2' }, '/srv').trustProxy).toBe(2);
    expect(() => readConfig({ VITRINE_TRUST_PROXY: 'yes' }, '/srv')).toThrow('VITRINE_TRUST_PROXY must be a whole number from 0 to 10, got "yes"');
  });

  it('reads VITRINE_DEMO, and --demo (npm start) unless VITRINE_DEMO=0', () => {
    expect(readConfig({}, '/srv').demo).toBe(false);
    expect(readConfig({}, '/srv', ['--demo']).demo).toBe(true);
    expect(readConfig({ VITRINE_DEMO: '1' }, '/srv').demo).toBe(true);
    expect(readConfig({ VITRINE_DEMO: '0' }, '/srv', ['--demo']).demo).toBe(false);
    expect(() => readConfig({ VITRINE_PUBLIC_URL: 'dash.example' }, '/srv')).toThrow('VITRINE_PUBLIC_URL must be the http:// or https:// URL the dashboard is reached at');
  });
});
