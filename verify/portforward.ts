// Tunnels like `kubectl port-forward pod/<pod> <local>:<remote>`, built on @kubernetes/client-node's
// PortForward (one WebSocket to pods/<pod>/portforward per accepted TCP connection). Listens on 127.0.0.1 only.
import * as net from 'net';
import { PassThrough, Writable } from 'stream';
import { CheckFailure, explain } from './errors';
import { KubeSession } from './kube';
import { errorMessage, withTimeout } from './util';

export interface Tunnel {
  pod: string;
  remotePort: number;
  localPort: number;
  /** Messages the API server/kubelet sent on the error channel, and WebSocket errors. */
  errors: string[];
  connections: number;
  close(): Promise<void>;
}

type Ws = { close(): void; terminate?(): void; on?(ev: string, fn: (...a: any[]) => void): void; readyState?: number };

export async function openTunnel(s: KubeSession, pod: string, remotePort: number, localPort: number, timeoutMs: number): Promise<Tunnel> {
  const ns = s.opts.namespace;
  const forward = new s.k8s.PortForward(s.kc, true);
  const sockets = new Set<net.Socket>();
  const sockets2ws = new Set<Ws>();
  const tunnel: Tunnel = { pod, remotePort, localPort, errors: [], connections: 0, close: async () => undefined };
  const note = (m: string) => {
    if (tunnel.errors.length < 20) tunnel.errors.push(m);
  };

  const errSink = () =>
    new Writable({
      write(chunk, _enc, cb) {
        const m = chunk.toString('utf8').trim();
        if (m) note(m);
        cb();
      },
    });

  // Fail early with a clear reason (RBAC, missing pod, kubelet cannot reach the port) by opening one stream.
  {
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const probeErrors: string[] = [];
    const errStream = new Writable({
      write(chunk, _e, cb) {
        probeErrors.push(chunk.toString('utf8').trim());
        cb();
      },
    });
    try {
      const ws = (await withTimeout(forward.portForward(ns, pod, [remotePort], output, errStream, input), timeoutMs, `opening a port-forward to ${ns}/${pod}:${remotePort}`)) as Ws;
      await new Promise((r) => setTimeout(r, 150));
      input.end();
      try {
        ws.close();
      } catch {
        /* closed */
      }
      if (probeErrors.some(Boolean)) throw new Error(probeErrors.filter(Boolean).join('; '));
    } catch (e) {
      const p = explain(e, {
        service: 'port-forward',
        action: `opening a port-forward to pod ${pod} port ${remotePort}`,
        tried: `WebSocket to ${s.server}/api/v1/namespaces/${ns}/pods/${pod}/portforward?ports=${remotePort} (context ${s.context})`,
        endpoint: undefined,
        namespace: ns,
      });
      if (/failed/.test(p.what) && /connect|refused|forwarding/i.test(errorMessage(e))) {
        p.what = `the pod ${pod} does not accept connections on port ${remotePort}: ${errorMessage(e)}`;
        p.fix = `the process in pod ${pod} is down or not listening on ${remotePort}: check \`kubectl -n ${ns} get pod ${pod}\` and its logs (\`kubectl -n ${ns} logs ${pod} --previous\` after a crash)`;
      }
      throw new CheckFailure(p);
    }
  }

  const server = net.createServer((socket) => {
    tunnel.connections++;
    sockets.add(socket);
    socket.on('error', (e) => note(`local socket: ${errorMessage(e)}`));
    socket.on('close', () => sockets.delete(socket));
    forward.portForward(ns, pod, [remotePort], socket, errSink(), socket).then(
      (res) => {
        const ws = (typeof res === 'function' ? res() : res) as Ws | null;
        if (!ws) return;
        sockets2ws.add(ws);
        ws.on?.('close', () => {
          sockets2ws.delete(ws);
          socket.destroy();
        });
        ws.on?.('error', (e: unknown) => note(`websocket: ${errorMessage(e)}`));
        socket.on('close', () => {
          try {
            ws.close();
          } catch {
            /* already closed */
          }
        });
      },
      (e) => {
        note(`opening stream: ${errorMessage(e)}`);
        socket.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(
          new CheckFailure({
            what: `local port ${localPort} is already in use`,
            tried: `listening on 127.0.0.1:${localPort} for a tunnel to ${ns}/${pod}:${remotePort}`,
            fix: `is a \`kubectl port-forward\` already running? Stop it (verify opens its own tunnels with --port-forward), or drop --port-forward and use that tunnel`,
          }),
        );
      } else reject(e);
    });
    server.listen(localPort, '127.0.0.1', () => resolve());
  });
  tunnel.localPort = (server.address() as net.AddressInfo).port;
  tunnel.close = async () => {
    for (const ws of sockets2ws) {
      try {
        ws.terminate ? ws.terminate() : ws.close();
      } catch {
        /* closed */
      }
    }
    for (const so of sockets) so.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return tunnel;
}
