import * as crypto from 'crypto';

/** Thrown by withTimeout; explain() turns it into "no answer within N s while <label>". */
export class StepTimeoutError extends Error {
  constructor(
    readonly label: string,
    readonly ms: number,
  ) {
    super(`timed out after ${formatMs(ms)} while ${label}`);
    this.name = 'StepTimeoutError';
  }
}

/**
 * Bounds a promise. The underlying operation may keep running (kafkajs and fetch calls are abandoned, not
 * cancelled), which is harmless: every client is disconnected in cleanup and the process exits at the end.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeoutError(label, ms)), ms);
    timer.unref?.();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** A run id that makes every name this tool creates unique: verify-<utc yyyymmddhhmmss>-<6 hex>. */
export function newRunId(now = new Date()): string {
  const ts = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `verify-${ts}-${crypto.randomBytes(3).toString('hex')}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
}

/** Parses a Kubernetes quantity (e.g. 250m, 1.5, 512Mi, 1G, 12345n) into a number of base units. */
export function parseQuantity(q: string | undefined): number | undefined {
  if (q === undefined || q === null || q === '') return undefined;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(String(q).trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix: Record<string, number> = {
    '': 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
  };
  const f = suffix[m[2]];
  return f === undefined ? undefined : n * f;
}

export function formatCpu(cores: number | undefined): string {
  if (cores === undefined) return 'n/a';
  return `${Math.round(cores * 1000)}m`;
}

/** Renders rows as an aligned plain-text table. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : (c ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** host:port → {host, port}; accepts [v6]:port. */
export function splitHostPort(hp: string, defaultPort?: number): { host: string; port: number } {
  const s = hp.trim().replace(/^[a-z]+:\/\//i, '');
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) || /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new Error(`"${hp}" is not host:port`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`"${hp}" has no valid port`);
  return { host: m[1], port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
