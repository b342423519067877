/** @type {import('next').NextConfig} */
const config = {
  poweredByHeader: false,
  // The repository's root is the workspace root: trace files from there.
  outputFileTracingRoot: new URL('../..', import.meta.url).pathname,
  turbopack: { root: new URL('../..', import.meta.url).pathname },
};
export default config;
