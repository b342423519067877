import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The servers a bench starts as child processes, each writing its output to a log file:
 * started, watched (CPU time, peak memory) and stopped by their process id.
 */

/** A server this bench started, as a child process writing its output to a log file. */
export interface Child {
  name: string;
  url: string;
  process: ChildProcess;
  log: string;
}

const children = new Set<Child>();

/** The last lines a child wrote, indented, for an error message. */
export function tail(file: string, lines = 8): string {
  const text = existsSync(file) ? readFileSync(file, 'utf8').trimEnd() : '';
  return text
    ? text
        .split('\n')
        .slice(-lines)
        .map((l) => `    | ${l}`)
        .join('\n')
    : '    | (no output)';
}

/**
 * Starts a server as a child process and waits for the line that gives its URL.
 * @param pattern matches that line; its first group is the port
 */
export async function startChild(name: string, script: string, env: NodeJS.ProcessEnv, pattern: RegExp, dir: string): Promise<Child> {
  if (!existsSync(script)) throw new Error(`${script} is missing: build first (npx rollup -c --silent)`);
  const log = join(dir, `${name.replace(/\W+/g, '-')}.log`);
  const out = openSync(log, 'w');
  // The output goes to a file, not a pipe, so reading it never costs the load generator's process.
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', out, out] });
  closeSync(out);
  const started: Child = { name, url: '', process: child, log };
  children.add(started);
  for (let waited = 0; ; waited += 50) {
    const port = pattern.exec(readFileSync(log, 'utf8'))?.[1];
    if (port) {
      started.url = `http://127.0.0.1:${port}`;
      return started;
    }
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before listening:\n${tail(log)}`);
    if (waited > 30_000) throw new Error(`${name} printed no URL within 30 s:\n${tail(log)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops a child by its pid: SIGTERM, then SIGKILL if it has not exited after 10 s. */
export async function stopChild(child: Child): Promise<void> {
  children.delete(child);
  const p = child.process;
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** CPU time a child has used so far, all its threads, in seconds. */
export function cpuSeconds(child: Child): number {
  // utime and stime, fields 14 and 15 of /proc/<pid>/stat, count ticks of USER_HZ: 100 on Linux.
  const fields = readFileSync(`/proc/${child.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident memory of a child (VmHWM), in MiB. */
export function peakRss(child: Child): string {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.process.pid}/status`, 'utf8'));
  return hwm ? `${(Number(hwm[1]) / 1024).toFixed(0)} MiB` : '?';
}

/** Stops every child still running. */
export async function stopChildren(): Promise<void> {
  await Promise.all([...children].map(stopChild));
}
