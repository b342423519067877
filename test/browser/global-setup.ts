import type { TestProject } from 'vitest/node';
import { startCdn } from '../catalog-cdn';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the catalog CDN stand-in (test/catalog-cdn.ts). */
    cdn: string;
  }
}

/** Starts the catalog CDN on loopback for the browser tests, and stops it after them. */
export default async function setup(project: TestProject) {
  const cdn = await startCdn();
  project.provide('cdn', cdn.base);
  return () => cdn.stop();
}
