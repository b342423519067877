// Preloaded (`node --require test/loopback-only.cjs …`) into a tool that must not reach the
// network: a host name other than loopback does not resolve, as on a machine without internet,
// so the tool takes its offline path at once.
const dns = require('node:dns');

const lookup = dns.lookup;
const loopback = (host) => host === 'localhost' || /^127\./.test(host) || host === '::1';
dns.lookup = function (...args) {
  const [host, options, callback] = args;
  const done = typeof options === 'function' ? options : callback;
  if (loopback(host)) return lookup.apply(this, args);
  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (loopback only)`), { code: 'ENOTFOUND', hostname: host });
  process.nextTick(done, error);
  return {};
};
