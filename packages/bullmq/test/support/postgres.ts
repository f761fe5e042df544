import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { PostgresConnectionOptions } from 'bullmq';
import { createPostgresBackend } from 'bullmq';
import pg from 'pg';
import { describeIf } from '@vobiz-webhooks/test-suites';
import type { Backend } from './harness';

export const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// Jest collects tests synchronously: a child process asks PostgreSQL for `SELECT 1` first.
function probe(url: string): boolean {
  const script = `const pg = require('pg'); const c = new pg.Client(process.argv[1]);
    c.connect().then(() => c.query('select 1')).then(() => process.exit(0), () => process.exit(1));`;
  try {
    execFileSync(process.execPath, ['-e', script, url], { stdio: 'ignore', timeout: 10_000, cwd: __dirname });
    return true;
  } catch {
    return false;
  }
}

export const postgresAvailable = probe(POSTGRES_URL);

/** Tests against the PostgreSQL at POSTGRES_URL. */
export const describeWithPostgres = describeIf(
  postgresAvailable,
  'postgres',
  `nothing answers at ${POSTGRES_URL}`,
  'Start PostgreSQL (trust auth, database `test`), or set POSTGRES_URL, and run jest again.',
);

/** A schema of this run's own, created by BullMQ's migrations on first use, and dropped afterwards. */
export function postgresBackend(): Backend<PostgresConnectionOptions> & { drop(): Promise<void> } {
  const schema = `vobiz_test_${randomUUID().replace(/-/g, '')}`;
  return {
    connection: { connectionString: POSTGRES_URL, schema, migrate: true, max: 4 },
    backend: createPostgresBackend,
    async drop() {
      const client = new pg.Client(POSTGRES_URL);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
