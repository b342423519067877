import type { TestProject } from 'vitest/node';
import { startCdn } from '../catalog-cdn';
import { registered, startCollectorGate } from '../collector-gate';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the catalog CDN stand-in (test/catalog-cdn.ts). */
    cdn: string;
    /** Base URL of the real collector behind the test gate (test/collector-gate.ts). */
    collector: string;
  }
}

/** Starts the catalog CDN and the collector on loopback for the browser tests, and stops them after. */
export default async function setup(project: TestProject) {
  const collector = await startCollectorGate();
  // Every catalog the tests publish is registered with the collector, as a merchant's publish step does.
  const cdn = await startCdn((doc) => registered(collector.register(doc)));
  project.provide('cdn', cdn.base);
  project.provide('collector', collector.base);
  return () => Promise.all([cdn.stop(), collector.stop()]).then(() => undefined);
}
