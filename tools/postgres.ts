import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from './ports';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where Debian's `postgresql` package puts each major version's programs. */
const INSTALL_ROOT = '/usr/lib/postgresql';
/** The superuser of a test cluster, and the OS user its server runs as when the tests run as root. */
const SUPERUSER = 'postgres';

/** The `bin` folder of the highest PostgreSQL version installed by Debian's package. */
function binaries(): string {
  const versions = existsSync(INSTALL_ROOT)
    ? readdirSync(INSTALL_ROOT)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const bin = versions.map((v) => join(INSTALL_ROOT, v, 'bin')).find((b) => ['initdb', 'pg_ctl', 'postgres'].every((p) => existsSync(join(b, p))));
  if (!bin) {
    throw new Error(
      `PostgreSQL not found: no ${INSTALL_ROOT}/<version>/bin with initdb, pg_ctl and postgres. The tests start their own server: install Debian's postgresql (apt-get install postgresql).`,
    );
  }
  return bin;
}

/** Whether a process still runs; a zombie does not (PID 1 here may never reap an orphaned postmaster). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state follows the parenthesised command name: "pid (comm) S ...".
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Starts a throwaway PostgreSQL server from Debian's `postgresql` package for tests and
 * benchmarks: a fresh cluster in a temporary folder, listening on 127.0.0.1 only with trust
 * authentication, its unix socket in that folder, fsync off. Runs the server as `postgres`
 * when called as root, since initdb refuses root.
 * @returns the URL of an empty database on it, and a function that stops the server and removes the folder
 * @example
 * const pg = await startPostgres();
 * const store = await createPostgresStore(pg.url);
 * // ...
 * await store.close();
 * await pg.stop();
 */
export async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-postgres-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const exec = async (program: string, args: string[]) => {
    const argv = [join(bin, program), ...args];
    try {
      await (asRoot ? run('runuser', ['-u', SUPERUSER, '--', ...argv], { cwd: dir }) : run(argv[0]!, argv.slice(1), { cwd: dir }));
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${program} failed: ${(stderr || stdout || String(error)).trim()}`);
    }
  };
  const pidFile = join(data, 'postmaster.pid');
  const stop = async () => {
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      // SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing is waited for.
      if (running(pid)) process.kill(pid, 'SIGINT');
      for (let waited = 0; running(pid); waited += 20) {
        if (waited > 60_000) throw new Error(`PostgreSQL (pid ${pid}) did not stop within 60 s; its log is ${join(dir, 'server.log')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    mkdirSync(data, { mode: 0o700 });
    if (asRoot) {
      const uid = Number((await run('id', ['-u', SUPERUSER])).stdout);
      const gid = Number((await run('id', ['-g', SUPERUSER])).stdout);
      for (const path of [dir, data]) chownSync(path, uid, gid);
    }
    await exec('initdb', ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    const port = await freePort();
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        // A test cluster is thrown away: durability buys nothing here.
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    await exec('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log')]);
    const server = `postgres://${SUPERUSER}@127.0.0.1:${port}`;
    await createDatabase(`${server}/postgres`, 'vitrine');
    return { url: `${server}/vitrine`, stop };
  } catch (error) {
    const log = join(dir, 'server.log');
    const detail = existsSync(log) ? `\nserver log:\n${readFileSync(log, 'utf8').trim().split('\n').slice(-20).join('\n')}` : '';
    await stop();
    throw detail ? new Error(`${(error as Error).message}${detail}`, { cause: error }) : error;
  }
}

/**
 * Creates an empty database on the server of `url`, so a test file sees only its own data.
 * @param url any database URL on that server
 * @param name the new database's name; a random one by default
 * @returns the new database's URL
 */
export async function createDatabase(url: string, name = `vitrine_${randomBytes(6).toString('hex')}`): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)}: expected lowercase letters, digits and "_"`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.href;
}
