/**
 * STAND-INS for what a bare kube-apiserver cannot serve without nodes: the kubelet's port-forward streaming,
 * the kubelet's /stats/summary and metrics-server's metrics.k8s.io API. This is NOT a kubelet.
 *
 * It is a plain-HTTP front (127.0.0.1 only) for the cluster tier's REAL kube-apiserver: every other request —
 * all object reads verify makes — is forwarded to the real API server with the admin client certificate, so
 * discovery, RBAC-less reads and status come from real Kubernetes. Only these are answered here:
 *   GET/upgrade /api/v1/namespaces/<ns>/pods/<pod>/portforward?ports=<p>   WebSocket, channel protocol
 *       v4.channel.k8s.io as the API server speaks it to clients (per stream: the port as uint16 LE first,
 *       data on channel 0, errors on channel 1); bytes go to 127.0.0.1:<target> from the `forwards` table,
 *       and a refused dial is reported on the error channel the way the kubelet words it;
 *   GET /apis/metrics.k8s.io/v1beta1/namespaces/<ns>/pods                  PodMetricsList (when `metrics` set)
 *   GET /api/v1/nodes/<node>/proxy/stats/summary                          kubelet stats summary (when `stats` set)
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import { parse } from 'yaml';

// `ws` is installed as a dependency of @kubernetes/client-node (it has no type declarations here).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { WebSocketServer } = require('ws') as { WebSocketServer: any };

export interface KubeletStandinOptions {
  /** The real API server's kubeconfig (client-certificate auth, as the cluster harness writes it). */
  kubeconfig: string;
  /** "<ns>/<pod>:<port>" -> local TCP port on 127.0.0.1. */
  forwards: Record<string, number>;
  metrics?: { pod: string; containers: { name: string; cpu: string; memory: string }[] }[];
  stats?: { node: string; pods: { namespace: string; name: string; volumes: { pvc: string; usedBytes: number; capacityBytes: number }[] }[] }[];
}

export interface KubeletStandin {
  server: string;
  kubeconfig: string;
  portForwardRequests: string[];
  openStreams(): number;
  close(): Promise<void>;
}

export async function startKubeletStandin(opts: KubeletStandinOptions, kubeconfigOut: string): Promise<KubeletStandin> {
  const kc = parse(fs.readFileSync(opts.kubeconfig, 'utf8'));
  const cluster = kc.clusters[0].cluster;
  const user = kc.users[0].user;
  const upstream = new URL(cluster.server);
  const tlsOpts = {
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
    cert: Buffer.from(user['client-certificate-data'], 'base64'),
    key: Buffer.from(user['client-key-data'], 'base64'),
  };
  const portForwardRequests: string[] = [];
  const live = new Set<any>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const metricsM = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    if (metricsM || url.pathname.startsWith('/apis/metrics.k8s.io')) {
      if (!opts.metrics || !metricsM) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'PodMetricsList',
          apiVersion: 'metrics.k8s.io/v1beta1',
          metadata: {},
          items: opts.metrics.map((m) => ({
            metadata: { name: m.pod, namespace: metricsM[1], creationTimestamp: new Date().toISOString() },
            timestamp: new Date().toISOString(),
            window: '15s',
            containers: m.containers.map((c) => ({ name: c.name, usage: { cpu: c.cpu, memory: c.memory } })),
          })),
        }),
      );
      return;
    }
    // client-node encodes the proxied sub-path (stats%2Fsummary); the API server decodes it, so do we.
    const statsM = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/stats\/summary$/.exec(decodeURIComponent(url.pathname));
    if (statsM && opts.stats) {
      const node = opts.stats.find((n) => n.node === statsM[1]);
      if (!node) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', code: 404, message: `nodes "${statsM[1]}" not found` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          node: { nodeName: node.node },
          pods: node.pods.map((p) => ({
            podRef: { name: p.name, namespace: p.namespace, uid: 'stand-in' },
            volume: p.volumes.map((v) => ({ name: 'datadir', pvcRef: { name: v.pvc, namespace: p.namespace }, usedBytes: v.usedBytes, capacityBytes: v.capacityBytes, availableBytes: v.capacityBytes - v.usedBytes })),
          })),
        }),
      );
      return;
    }
    // Everything else: the real kube-apiserver.
    const up = https.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, ...tlsOpts },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', (e) => {
      res.writeHead(502);
      res.end(`stand-in could not reach the kube-apiserver: ${e.message}`);
    });
    req.pipe(up);
  });

  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols: Set<string>) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const port = Number(url.searchParams.get('ports'));
    if (!m || !port) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const key = `${m[1]}/${m[2]}:${port}`;
    portForwardRequests.push(key);
    const target = opts.forwards[key];
    if (target === undefined) {
      socket.end(`HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\r\n{"kind":"Status","code":404,"message":"pods \\"${m[2]}\\" not found"}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: any) => {
      live.add(ws);
      const portBytes = Buffer.from([port & 0xff, port >> 8]);
      ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
      ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
      const conn = net.connect({ host: '127.0.0.1', port: target });
      let connected = false;
      const pending: Buffer[] = [];
      conn.on('connect', () => {
        connected = true;
        for (const p of pending) conn.write(p);
        pending.length = 0;
      });
      conn.on('data', (d: Buffer) => {
        if (ws.readyState === 1) ws.send(Buffer.concat([Buffer.from([0]), d]));
      });
      conn.on('error', (e: NodeJS.ErrnoException) => {
        if (ws.readyState === 1) {
          ws.send(
            Buffer.concat([
              Buffer.from([1]),
              Buffer.from(`error forwarding port ${port} to pod ${m[2]}, uid : failed to connect to localhost:${port} inside namespace "stand-in", IPv4: dial tcp4 127.0.0.1:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`),
            ]),
          );
          ws.close();
        }
      });
      conn.on('close', () => ws.readyState === 1 && ws.close());
      ws.on('message', (data: Buffer) => {
        const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
        if (buf[0] !== 0) return; // only the data channel carries client bytes
        const payload = buf.subarray(1);
        if (connected) conn.write(payload);
        else pending.push(payload);
      });
      ws.on('close', () => {
        live.delete(ws);
        conn.destroy();
      });
    });
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  fs.writeFileSync(
    kubeconfigOut,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: live-tier',
      '  cluster:',
      `    server: ${addr}`,
      // client-node refuses plain-http API servers unless this is set (as for `kubectl proxy`).
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: live-tier',
      '  user: {}',
      'contexts:',
      '- name: live-tier',
      '  context:',
      '    cluster: live-tier',
      '    user: live-tier',
      '    namespace: lab',
      'current-context: live-tier',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return {
    server: addr,
    kubeconfig: kubeconfigOut,
    portForwardRequests,
    openStreams: () => live.size,
    close: async () => {
      for (const ws of live) ws.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
