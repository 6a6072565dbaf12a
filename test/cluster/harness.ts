/**
 * Cluster tier harness: builds (or reuses) etcd + kube-apiserver, starts them on 127.0.0.1 with throwaway
 * certificates and data dirs, writes a kubeconfig, and tears everything down again.
 *
 * Nothing here listens on anything but 127.0.0.1. Every wait is bounded. A detached watchdog process kills
 * the servers and removes the temp dir if the test process dies without running its teardown (SIGKILL,
 * jest bailing out on SIGINT, ...).
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The repo root: the nearest folder above this file that has scripts/cluster/build.sh (also when bundled). */
export const ROOT = ((): string => {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'scripts', 'cluster', 'build.sh'))) return d;
    if (path.dirname(d) === d) return path.resolve(__dirname, '..', '..');
  }
})();
export const CACHE_ROOT =
  process.env.CDK8S_DATASTREAM_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cdk8s-datastream');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a command (no shell), never throws on a non-zero exit; rejects only if it cannot be started or times out. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  const start = Date.now();
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      [...args],
      { env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        if (e && e.killed) {
          reject(new Error(`${cmd} ${args.join(' ')}: timed out after ${timeoutMs / 1000}s\n${stderr}`));
        } else if (e && typeof e.code === 'string') {
          reject(new Error(`${cmd}: ${e.message}`));
        } else {
          resolve({ code: e ? Number(e.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - start });
        }
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export interface Binaries {
  readonly kubeApiserver: string;
  readonly etcd: string;
  /** Wall time of build.sh (a cache hit takes well under a second). */
  readonly ms: number;
}

/** Runs scripts/cluster/build.sh (progress streamed to our stderr); throws with the reason when it fails. */
export function buildBinaries(timeoutMs: number): Promise<Binaries> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'scripts', 'cluster', 'build.sh'), 'all'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scripts/cluster/build.sh did not finish within ${timeoutMs / 60000} min`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run scripts/cluster/build.sh: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const kas = /^KUBE_APISERVER=(.+)$/m.exec(out)?.[1];
      const etcd = /^ETCD=(.+)$/m.exec(out)?.[1];
      if (code !== 0 || !kas || !etcd) {
        const tail = err.trim().split('\n').slice(-30).join('\n');
        reject(new Error(`building kube-apiserver/etcd failed (scripts/cluster/build.sh exit ${code}):\n${tail}`));
        return;
      }
      resolve({ kubeApiserver: kas, etcd, ms: Date.now() - start });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let i = 0; ports.size < n && i < 50; i++) ports.add(await freePort());
  if (ports.size < n) throw new Error('could not find free loopback ports');
  return [...ports];
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const r = await run('openssl', args, { cwd: dir, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${r.stderr}`);
}

/** CA, serving cert for 127.0.0.1/localhost, admin client cert (O=system:masters), service-account key pair. */
async function makePki(dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const days = '2';
  await openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', days,
    '-subj', '/CN=cluster-tier-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const leaf = async (name: string, subj: string, ext: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    await openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
    await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', days, '-extfile', `${name}.ext`]);
  };
  await leaf('serving', '/CN=kube-apiserver',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' +
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\n');
  await leaf('admin', '/O=system:masters/CN=cluster-tier-admin',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  await openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  await openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function httpsGet(url: string, pki: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, {
      ca: fs.readFileSync(path.join(pki, 'ca.crt')),
      cert: fs.readFileSync(path.join(pki, 'admin.crt')),
      key: fs.readFileSync(path.join(pki, 'admin.key')),
      timeout: 5000,
    }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function waitFor(what: string, timeoutMs: number, proc: { child: ChildProcess; log: string } | undefined,
  probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) {
      throw new Error(`${what}: process exited with code ${proc.child.exitCode}; last log lines:\n${tail(proc.log)}`);
    }
    try {
      if (await probe()) return;
    } catch (e) {
      lastErr = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not ready after ${timeoutMs / 1000}s (${lastErr})${proc ? `; last log lines:\n${tail(proc.log)}` : ''}`);
}

export interface Cluster {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly server: string;
  /** ms from spawning etcd until kube-apiserver /readyz answered ok. */
  readonly startupMs: number;
  readonly etcdMs: number;
  /** Environment for kubectl: KUBECONFIG and a private discovery cache. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startCluster(bins: Binaries, opts: { readyTimeoutMs?: number } = {}): Promise<Cluster> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  const base = process.env.CLUSTER_TMPDIR || os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, 'cdk8s-datastream-cluster-'));
  const pki = path.join(dir, 'pki');
  const children: ChildProcess[] = [];
  let watchdog: ChildProcess | undefined;
  let stopped = false;

  // The watchdog outlives us if we are killed: it polls our pid, then kills the servers and removes the dir.
  const armWatchdog = (procs: ChildProcess[]) => {
    if (watchdog && watchdog.exitCode === null) watchdog.kill('SIGTERM');
    watchdog = spawn('bash', ['-c',
      'parent=$1; dir=$2; shift 2; while kill -0 "$parent" 2>/dev/null && [ -d "$dir" ]; do sleep 1; done; ' +
      '[ -d "$dir" ] || exit 0; kill -TERM "$@" 2>/dev/null; sleep 3; kill -KILL "$@" 2>/dev/null; rm -rf "$dir"',
      'watchdog', String(process.pid), dir, ...procs.map((p) => String(p.pid))], { detached: true, stdio: 'ignore' });
    watchdog.unref();
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // apiserver first, then etcd; SIGTERM, then SIGKILL after 10 s.
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (giveUp = setTimeout(r, 15_000)))]);
      clearTimeout(t);
      clearTimeout(giveUp);
    }
    // Keep the last run's logs outside the repo for post-mortems, then remove the temp dir.
    try {
      const logs = path.join(CACHE_ROOT, 'logs', 'last-run');
      fs.rmSync(logs, { recursive: true, force: true });
      fs.mkdirSync(logs, { recursive: true });
      for (const f of ['etcd.log', 'kube-apiserver.log']) {
        if (fs.existsSync(path.join(dir, f))) fs.copyFileSync(path.join(dir, f), path.join(logs, f));
      }
    } catch {
      /* best effort */
    }
    fs.rmSync(dir, { recursive: true, force: true });
    if (watchdog && watchdog.exitCode === null) watchdog.kill('SIGTERM');
  };

  try {
    await makePki(pki);
    const [etcdClient, etcdPeer, apiPort] = await distinctPorts(3);
    const started = Date.now();

    const etcdLog = path.join(dir, 'etcd.log');
    const etcd = spawn(bins.etcd, [
      '--name=cluster-tier',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=cluster-tier=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ], { stdio: ['ignore', fs.openSync(etcdLog, 'a'), fs.openSync(etcdLog, 'a')] });
    children.push(etcd);

    armWatchdog([etcd]);

    await waitFor('etcd', 60_000, { child: etcd, log: etcdLog }, async () => {
      const r = await httpGet(`http://127.0.0.1:${etcdClient}/health`);
      return r.status === 200 && /"health":\s*"true"/.test(r.body);
    });
    const etcdMs = Date.now() - started;

    const kasLog = path.join(dir, 'kube-apiserver.log');
    const kas = spawn(bins.kubeApiserver, [
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--cert-dir=${path.join(dir, 'kas-certs')}`,
      `--tls-cert-file=${path.join(pki, 'serving.crt')}`,
      `--tls-private-key-file=${path.join(pki, 'serving.key')}`,
      `--client-ca-file=${path.join(pki, 'ca.crt')}`,
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      // As on kubeadm/kind/managed clusters, so that PodSecurity (not this flag) is what judges privileged pods.
      '--allow-privileged=true',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${path.join(pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(pki, 'sa.key')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      // The endpoint reconciler refuses a loopback advertise address; nothing needs the kubernetes Endpoints.
      '--endpoint-reconciler-type=none',
      // PodSecurity is on by default; name it so a changed default cannot silently turn the checks off.
      '--enable-admission-plugins=PodSecurity',
      '--profiling=false',
      '--v=1',
    ], { stdio: ['ignore', fs.openSync(kasLog, 'a'), fs.openSync(kasLog, 'a')] });
    children.push(kas);
    armWatchdog([kas, etcd]);

    const server = `https://127.0.0.1:${apiPort}`;
    await waitFor('kube-apiserver /readyz', readyTimeoutMs, { child: kas, log: kasLog }, async () => {
      const r = await httpsGet(`${server}/readyz`, pki);
      return r.status === 200 && r.body.trim() === 'ok';
    });
    const startupMs = Date.now() - started;

    const kubeconfig = path.join(dir, 'kubeconfig');
    const b64 = (f: string) => fs.readFileSync(path.join(pki, f)).toString('base64');
    fs.writeFileSync(kubeconfig, [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: cluster-tier',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority-data: ${b64('ca.crt')}`,
      'users:',
      '- name: cluster-tier-admin',
      '  user:',
      `    client-certificate-data: ${b64('admin.crt')}`,
      `    client-key-data: ${b64('admin.key')}`,
      'contexts:',
      '- name: cluster-tier',
      '  context:',
      '    cluster: cluster-tier',
      '    user: cluster-tier-admin',
      'current-context: cluster-tier',
      '',
    ].join('\n'), { mode: 0o600 });

    const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: path.join(dir, 'kube-cache') };
    return { dir, kubeconfig, server, startupMs, etcdMs, env, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
