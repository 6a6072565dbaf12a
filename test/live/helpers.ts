import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface BrokerState {
  version: string;
  pid: number;
  dir: string;
  bootstrap: string;
  saslBootstrap: string;
  sslBootstrap: string | null;
  caFile: string | null;
  controllerPort: number;
  forwarded: { listenPort: number; advertisedPort: number };
  scram: { username: string; password: string };
  serverLog: string;
}

export function broker(): BrokerState {
  const file = process.env.LIVE_KAFKA_STATE;
  if (!file) throw new Error('LIVE_KAFKA_STATE is not set: run the live tier with `bash scripts/live/test.sh` (its globalSetup starts the broker)');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export interface VerifyRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  json?: any;
}

/**
 * Runs `node scripts/verify.js ARGS` (what `npm run verify -- ARGS` runs) with a clean environment: no
 * kubeconfig from the machine unless the test passes one. With --json the report on stdout is parsed.
 */
export function verify(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; onSpawn?: (c: ChildProcess) => void } = {}): Promise<VerifyRun> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: path.join(ROOT, '.cache', 'live-home-does-not-exist'),
    NO_COLOR: '1',
    ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'verify.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`verify ${args.join(' ')} did not finish within ${(opts.timeoutMs ?? 120000) / 1000} s\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 120000);
    child.on('error', reject);
    opts.onSpawn?.(child);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const r: VerifyRun = { code, signal, stdout, stderr, ms: Date.now() - started };
      if (args.includes('--json')) {
        try {
          r.json = JSON.parse(stdout);
        } catch (e) {
          reject(new Error(`verify --json printed no JSON (exit ${code}):\n${stdout}\n${stderr}`));
          return;
        }
      }
      resolve(r);
    });
  });
}

/** The check with this id from a --json report (throws with the whole report if missing). */
export function check(r: VerifyRun, id: string): any {
  const c = r.json?.checks?.find((x: any) => x.id === id);
  if (!c) throw new Error(`no check ${id} in the report:\n${JSON.stringify(r.json?.checks?.map((x: any) => `${x.id}=${x.status}`))}\n${r.stderr}`);
  return c;
}

/** Asserts the check statuses; on a mismatch the error carries every failed check's problem and the step list. */
export function expectStatuses(r: VerifyRun, expected: Record<string, string>, exact = true): void {
  const got = statuses(r);
  const ok = exact ? JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(expected).sort()) : Object.entries(expected).every(([k, v]) => got[k] === v);
  if (!ok) {
    const problems = (r.json?.checks ?? []).filter((c: any) => c.problem).map((c: any) => `${c.id}: ${JSON.stringify(c.problem, null, 2)}`);
    throw new Error(`check statuses ${JSON.stringify(got)}\nexpected ${exact ? '' : '(subset) '}${JSON.stringify(expected)}\n${problems.join('\n')}\n--- stderr ---\n${r.stderr}`);
  }
}

export function statuses(r: VerifyRun): Record<string, string> {
  return Object.fromEntries((r.json?.checks ?? []).map((c: any) => [c.id, c.status]));
}

/** Topics and consumer groups whose name starts with verify- on the test broker (what verify may have left). */
export async function leftovers(bootstrap: string): Promise<{ topics: string[]; groups: string[] }> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'live-test-inspector', logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('verify-'));
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('verify-'));
    return { topics, groups };
  } finally {
    await admin.disconnect();
  }
}

/** A TCP port with nothing listening (bound and released). */
export async function closedPort(): Promise<number> {
  const net = await import('net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as any).port;
      s.close(() => resolve(p));
    });
  });
}
