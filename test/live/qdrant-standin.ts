/**
 * A STAND-IN for Qdrant, NOT Qdrant. No Qdrant server can be installed on this machine, so the live tier tests
 * verify's Qdrant step against this small HTTP server, which answers exactly the REST calls verify makes the
 * way Qdrant 1.19 does (see shared/reference/qdrant.md §3): the `{result, status, time}` envelope, GET / without
 * the envelope, plain-text /healthz and /readyz, the `api-key` header (health endpoints exempt), 404/409
 * error bodies, and exact cosine search for /points/query. It does not build an HNSW index; it stores and
 * echoes the collection's hnsw_config so verify's "config applied" assertion has something real to read.
 *
 * Knobs let a test break it on purpose (not ready, ignore hnsw_config, wrong search results).
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface StandinOptions {
  apiKey?: string;
  version?: string;
  notReady?: boolean;
  /** Pretend to be an old server that drops hnsw_config. */
  ignoreHnsw?: boolean;
  /** Return the farthest point first. */
  wrongResults?: boolean;
  /** Answer DELETE /collections/<name> with a 500 (to test how verify reports what it could not remove). */
  refuseDelete?: boolean;
  /** Collections present before the test (verify must leave them alone). */
  preexisting?: string[];
}

interface Point {
  id: number | string;
  vector: number[];
  payload: Record<string, unknown>;
}

interface Collection {
  size: number;
  distance: string;
  hnsw: Record<string, unknown>;
  points: Map<string, Point>;
}

export interface QdrantStandin {
  url: string;
  port: number;
  requests: { method: string; path: string; apiKey?: string }[];
  collections: Map<string, Collection>;
  close(): Promise<void>;
}

const HNSW_DEFAULT = { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false };

export async function startQdrantStandin(opts: StandinOptions = {}): Promise<QdrantStandin> {
  const collections = new Map<string, Collection>();
  for (const name of opts.preexisting ?? []) {
    collections.set(name, { size: 4, distance: 'Cosine', hnsw: { ...HNSW_DEFAULT }, points: new Map([['1', { id: 1, vector: [1, 0, 0, 0], payload: { keep: true } }]]) });
  }
  const requests: QdrantStandin['requests'] = [];
  let opId = 0;

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://standin');
    const apiKey = (req.headers['api-key'] as string | undefined) ?? (req.headers.authorization?.replace(/^Bearer /, '') || undefined);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, apiKey });
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const time = () => Number(process.hrtime.bigint() - started) / 1e9;
      const json = (status: number, result: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ result, status: 'ok', time: time() }));
      };
      const error = (status: number, message: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: { error: message }, time: time() }));
      };
      const text = (status: number, t: string) => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(t);
      };
      const p = url.pathname.replace(/\/+$/, '') || '/';
      const m = req.method ?? 'GET';
      // Health endpoints and the root need no key (as in Qdrant).
      if (m === 'GET' && (p === '/healthz' || p === '/livez')) return text(200, 'healthz check passed');
      if (m === 'GET' && p === '/readyz') return opts.notReady ? text(503, 'some shards are not ready') : text(200, 'all shards are ready');
      if (m === 'GET' && p === '/') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ title: 'qdrant - vector search engine', version: opts.version ?? '1.19.0', commit: 'stand-in' }));
        return;
      }
      if (opts.apiKey && apiKey !== opts.apiKey) {
        return text(401, apiKey ? 'Invalid API key or JWT' : 'Must provide an API key or an Authorization bearer token');
      }
      let data: any = {};
      if (body) {
        try {
          data = JSON.parse(body);
        } catch {
          return error(400, 'Json deserialize error: invalid JSON');
        }
      }
      if (m === 'GET' && p === '/cluster') return json(200, { status: 'disabled' });
      if (m === 'GET' && p === '/collections') return json(200, { collections: [...collections.keys()].map((name) => ({ name })) });
      const cm = /^\/collections\/([^/]+)(\/.*)?$/.exec(p);
      if (!cm) return error(404, `Not found: ${p}`);
      const name = decodeURIComponent(cm[1]);
      const rest = cm[2] ?? '';
      const col = collections.get(name);
      const notFound = () => error(404, `Not found: Collection \`${name}\` doesn't exist!`);
      if (m === 'GET' && rest === '/exists') return json(200, { exists: !!col });
      if (m === 'PUT' && rest === '') {
        if (col) return error(409, `Wrong input: Collection \`${name}\` already exists!`);
        const v = data.vectors;
        if (!v || typeof v.size !== 'number' || !['Cosine', 'Euclid', 'Dot', 'Manhattan'].includes(v.distance)) return error(422, 'Validation error in JSON body: vectors');
        collections.set(name, { size: v.size, distance: v.distance, hnsw: { ...HNSW_DEFAULT, ...(opts.ignoreHnsw ? {} : data.hnsw_config ?? {}) }, points: new Map() });
        return json(200, true);
      }
      if (m === 'DELETE' && rest === '' && opts.refuseDelete) return error(500, 'Service internal error: stand-in refuses deletes');
      if (m === 'DELETE' && rest === '') {
        const existed = collections.delete(name);
        return json(200, existed);
      }
      if (!col) return notFound();
      if (m === 'GET' && rest === '') {
        return json(200, {
          status: 'green',
          optimizer_status: 'ok',
          indexed_vectors_count: 0,
          points_count: col.points.size,
          segments_count: 1,
          config: {
            params: { vectors: { size: col.size, distance: col.distance }, shard_number: 1, replication_factor: 1, write_consistency_factor: 1, on_disk_payload: true },
            hnsw_config: col.hnsw,
            optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0, max_segment_size: null, indexing_threshold: 10000, flush_interval_sec: 5, max_optimization_threads: null },
            wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
            quantization_config: null,
          },
          payload_schema: {},
        });
      }
      if (m === 'PUT' && rest === '/points') {
        const pts: Point[] = data.points ?? [];
        for (const pt of pts) {
          if (!(typeof pt.id === 'number' && Number.isInteger(pt.id) && pt.id >= 0) && typeof pt.id !== 'string') return error(400, 'Bad Request: point id must be an unsigned integer or a UUID');
          if (!Array.isArray(pt.vector) || pt.vector.length !== col.size) return error(400, `Wrong input: Vector dimension error: expected dim: ${col.size}, got ${Array.isArray(pt.vector) ? pt.vector.length : 0}`);
        }
        for (const pt of pts) col.points.set(String(pt.id), { id: pt.id, vector: pt.vector, payload: pt.payload ?? {} });
        return json(200, { operation_id: opId++, status: url.searchParams.get('wait') === 'true' ? 'completed' : 'acknowledged' });
      }
      if (m === 'POST' && rest === '/points/count') return json(200, { count: col.points.size });
      if (m === 'POST' && rest === '/points/query') {
        const q: number[] = data.query;
        if (!Array.isArray(q) || q.length !== col.size) return error(400, `Wrong input: Vector dimension error: expected dim: ${col.size}, got ${Array.isArray(q) ? q.length : 0}`);
        const cos = (a: number[], b: number[]) => {
          let d = 0;
          let na = 0;
          let nb = 0;
          for (let i = 0; i < a.length; i++) {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
          }
          return d / (Math.sqrt(na) * Math.sqrt(nb) || 1);
        };
        const scored = [...col.points.values()].map((pt) => ({ id: pt.id, version: 0, score: cos(q, pt.vector), payload: data.with_payload ? pt.payload : undefined }));
        scored.sort((a, b) => (opts.wrongResults ? a.score - b.score : b.score - a.score));
        return json(200, { points: scored.slice(0, data.limit ?? 10) });
      }
      return error(404, `Not found: ${m} ${p}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    collections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/** A STAND-IN for Ollama's embeddings API (POST /api/embed), NOT Ollama: a bag-of-words hash embedding. */
export async function startOllamaStandin(model = 'nomic-embed-text'): Promise<{ url: string; close(): Promise<void>; calls: number }> {
  const state = { calls: 0 };
  const embed = (t: string) => {
    const v = new Array(32).fill(0);
    for (const w of t.toLowerCase().split(/\W+/).filter(Boolean)) {
      let h = 2166136261;
      for (const ch of w) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
      v[h % 32] += 1;
    }
    return v;
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      state.calls++;
      const data = body ? JSON.parse(body) : {};
      res.setHeader('content-type', 'application/json');
      if (req.url !== '/api/embed' || req.method !== 'POST') {
        res.statusCode = 404;
        res.end('404 page not found');
        return;
      }
      if (data.model !== model) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: `model "${data.model}" not found, try pulling it first` }));
        return;
      }
      const input: string[] = Array.isArray(data.input) ? data.input : [data.input];
      res.end(JSON.stringify({ model, embeddings: input.map(embed) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
