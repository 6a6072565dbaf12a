import * as net from 'net';
import * as tls from 'tls';
import { errorMessage, splitHostPort } from './util';

export type ProbeResult =
  | { kind: 'kafka'; note: string }
  | { kind: 'kafka-tls'; note: string }
  | { kind: 'http'; note: string }
  | { kind: 'tls'; note: string }
  | { kind: 'refused' | 'unreachable' | 'unknown'; note: string };

/** TCP reachability of host:port with a bound. Resolves to null when reachable, else the error message. */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let done = false;
    const finish = (r: string | null) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve(r);
    };
    s.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    s.once('connect', () => finish(null));
    s.once('error', (e: NodeJS.ErrnoException) => finish(e.code ? `${e.code}` : errorMessage(e)));
  });
}

/** A Kafka ApiVersions v0 request frame (api key 18). */
function apiVersionsRequest(correlationId: number): Buffer {
  const clientId = Buffer.from('verify-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const frame = Buffer.alloc(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

function exchange(sock: net.Socket | tls.TLSSocket, payload: Buffer, timeoutMs: number): Promise<Buffer | string> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (r: Buffer | string) => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve(r);
    };
    sock.setTimeout(timeoutMs, () => finish(buf.length ? buf : 'no answer'));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 10) finish(buf);
    });
    sock.once('close', () => finish(buf.length ? buf : 'closed without an answer'));
    sock.once('error', (e: NodeJS.ErrnoException) => finish(e.code || errorMessage(e)));
    sock.write(payload);
  });
}

function looksLikeKafka(b: Buffer, correlationId: number): boolean {
  return b.length >= 8 && b.readInt32BE(4) === correlationId && b.readInt32BE(0) > 0 && b.readInt32BE(0) < 1 << 20;
}

/**
 * Finds out what answers on host:port when a Kafka client failed there: a plaintext Kafka listener, a TLS
 * listener (Kafka or not), an HTTP server, or nothing. Each attempt is bounded.
 */
export async function probeKafkaEndpoint(hostPort: string, timeoutMs: number): Promise<ProbeResult> {
  const { host, port } = splitHostPort(hostPort, 9092);
  const reach = await tcpReachable(host, port, timeoutMs);
  if (reach === 'ECONNREFUSED') return { kind: 'refused', note: `nothing listens on ${host}:${port}` };
  if (reach) return { kind: 'unreachable', note: `${host}:${port} is not reachable (${reach})` };

  const cid = 0x7e57;
  const plain = await exchange(net.connect({ host, port }), apiVersionsRequest(cid), timeoutMs);
  if (Buffer.isBuffer(plain)) {
    if (looksLikeKafka(plain, cid)) return { kind: 'kafka', note: `${host}:${port} answers a plaintext Kafka ApiVersions request` };
    const text = plain.toString('latin1');
    if (text.startsWith('HTTP/')) return { kind: 'http', note: `an HTTP server answers on ${host}:${port} ("${text.split('\r\n')[0]}"), not a Kafka listener` };
    if (plain[0] === 0x15 && plain[1] === 0x03) return { kind: 'tls', note: `${host}:${port} answered with a TLS alert: it expects TLS` };
  }
  // Plaintext got nothing useful: try a TLS handshake (certificate not verified: this is only a diagnosis).
  const tlsResult = await new Promise<string>((resolve) => {
    const s = tls.connect({ host, port, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host });
    let done = false;
    const finish = (r: string) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    s.setTimeout(timeoutMs, () => {
      finish('timeout');
      s.destroy();
    });
    s.once('secureConnect', () => {
      exchange(s, apiVersionsRequest(cid), timeoutMs).then((b) => finish(Buffer.isBuffer(b) && looksLikeKafka(b, cid) ? 'kafka' : 'tls'));
    });
    s.once('error', () => {
      finish('no');
      s.destroy();
    });
  });
  if (tlsResult === 'kafka') return { kind: 'kafka-tls', note: `${host}:${port} is a Kafka listener that requires TLS` };
  if (tlsResult === 'tls') return { kind: 'tls', note: `${host}:${port} speaks TLS but did not answer as Kafka after the handshake` };
  return {
    kind: 'unknown',
    note: `${host}:${port} accepts TCP connections but answered neither plaintext nor TLS Kafka requests (${typeof plain === 'string' ? plain : `${plain.length} bytes`})`,
  };
}
