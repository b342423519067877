import type { TestProject } from 'vitest/node';
import { startPostgres } from '../tools/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a database on the PostgreSQL server started for this project; `createDatabase` makes fresh ones beside it. */
    postgresUrl: string;
  }
}

/** Starts one PostgreSQL server for a test project (tools/postgres.ts), provides its URL, and stops it after. */
export default async function setup(project: TestProject) {
  const postgres = await startPostgres();
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
