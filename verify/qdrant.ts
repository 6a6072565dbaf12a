import { QdrantClient } from '@qdrant/js-client-rest';
import { Cleanup } from './cleanup';
import { CheckFailure, ExplainContext, explain, fail } from './errors';
import { EmbeddingSet, deterministicEmbeddings, ollamaEmbeddings, DOCUMENTS } from './embeddings';
import { CheckContext, CheckOutput } from './report';
import { formatMs, table, withTimeout } from './util';

export interface QdrantTarget {
  url: string;
  apiKey?: string;
  /** Where the key came from, e.g. "env QDRANT_API_KEY" or "Secret lab/qdrant-apikey key api-key". */
  apiKeySource?: string;
  source: string;
  portForward: boolean;
  namespace: string;
}

export interface QdrantEnv {
  target: QdrantTarget;
  runId: string;
  timeoutMs: number;
  cleanup: Cleanup;
  ollama?: { url: string; model: string };
}

/** The HNSW settings the check creates its collection with and then reads back. */
export const HNSW = { m: 16, ef_construct: 128, full_scan_threshold: 10 };

export function client(env: QdrantEnv): QdrantClient {
  const u = new URL(env.target.url);
  // The JS client appends :6333 to a URL without a port; follow the URL as written instead (443/80).
  return new QdrantClient({
    url: env.target.url,
    port: u.port ? Number(u.port) : (0 as unknown as number),
    checkCompatibility: false,
    timeout: env.timeoutMs,
    // Sent as a header rather than `apiKey`, which would print a warning for http:// port-forwards.
    headers: env.target.apiKey ? { 'api-key': env.target.apiKey } : undefined,
  });
}

function ectx(env: QdrantEnv, action: string): ExplainContext {
  return {
    service: 'qdrant',
    action,
    tried: `${action} at ${env.target.url} (${env.target.source}${env.target.apiKey ? `, API key from ${env.target.apiKeySource}` : ', no API key'})`,
    endpoint: endpointOf(env.target.url),
    portForward: env.target.portForward,
    namespace: env.target.namespace,
  };
}

function endpointOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
}

/** HTTP status of a failed client call: ApiError carries .status, the client's own errors only a message. */
function httpStatus(e: unknown): number | undefined {
  const x = e as any;
  if (typeof x?.status === 'number') return x.status;
  const m = /Unexpected Response: (\d{3})/.exec(String(x?.message ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** Qdrant's error text from the `{status: {error}}` body (or a plain-text body). */
function serverError(e: unknown): string {
  const d = (e as any)?.data;
  if (typeof d === 'string') return d.slice(0, 300);
  return String(d?.status?.error ?? (e as any)?.message ?? '').split('\n')[0];
}

/** Wraps any error of a Qdrant step into a CheckFailure with a Qdrant-specific fix. */
function qfail(e: unknown, env: QdrantEnv, action: string): CheckFailure {
  if (e instanceof CheckFailure) return e;
  const status = httpStatus(e);
  const c = ectx(env, action);
  if (status === 401 || status === 403) {
    return new CheckFailure({
      what: `Qdrant refused the request (HTTP ${status}) while ${action}`,
      tried: c.tried,
      fix: env.target.apiKey
        ? `the API key from ${env.target.apiKeySource} is wrong, or read-only (a read-only key cannot create collections)`
        : 'Qdrant has an API key: pass it with --qdrant-api-key-env VAR or --qdrant-api-key-secret NAME/KEY (verify reads it from the StatefulSet when it can)',
      cause: serverError(e),
    });
  }
  if (status === 404 && !/collection/.test(action)) {
    return new CheckFailure({ what: `HTTP 404 while ${action}`, tried: c.tried, fix: 'is this a Qdrant URL? (a path prefix in --qdrant-url, or an Ingress that rewrites paths?)', cause: serverError(e) });
  }
  if (status !== undefined) {
    return new CheckFailure({
      what: `Qdrant answered HTTP ${status} while ${action}: ${serverError(e)}`,
      tried: c.tried,
      fix: status >= 500 ? 'a server-side error: check the Qdrant pod logs (disk full? out of memory?)' : status === 429 ? 'Qdrant is rate limiting (strict mode / update_rate_limit): retry later' : 'the request was rejected: is the server version compatible (client 1.19 needs server 1.18–1.20)?',
      cause: serverError(e),
    });
  }
  const p = explain(e, c);
  const u = new URL(env.target.url);
  if (/connection refused/.test(p.what) && !u.port) p.fix += `; note: ${env.target.url} has no port, so port ${u.protocol === 'https:' ? 443 : 80} was used — did you mean :6333?`;
  return new CheckFailure(p);
}

async function getText(env: QdrantEnv, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(path, env.target.url.endsWith('/') ? env.target.url : `${env.target.url}/`).toString();
  const res = await withTimeout(
    fetch(url, { headers: env.target.apiKey ? { 'api-key': env.target.apiKey } : {}, signal: AbortSignal.timeout(env.timeoutMs) }),
    env.timeoutMs,
    `GET ${path}`,
  );
  return { status: res.status, body: (await res.text()).trim() };
}

/** /healthz, /readyz and the version from GET /. */
export async function healthCheck(env: QdrantEnv, c: CheckContext): Promise<CheckOutput> {
  c.explainWith(ectx(env, 'checking the health endpoints'));
  let step = 'GET /healthz';
  try {
    c.progress(`GET ${env.target.url}/healthz, /readyz, /`);
    const health = await getText(env, 'healthz');
    if (health.status !== 200) fail(`/healthz answered HTTP ${health.status}`, `${step} on ${env.target.url}`, 'Qdrant is not healthy: check the pod logs', health.body.slice(0, 200));
    step = 'GET /readyz';
    const ready = await getText(env, 'readyz');
    if (ready.status !== 200) {
      fail(
        `/readyz answered HTTP ${ready.status}: ${ready.body.slice(0, 100)}`,
        `${step} on ${env.target.url}`,
        'some shards are not ready: in cluster mode the node waits for consensus with its peers (check that all qdrant pods run and the headless Service publishes not-ready addresses); otherwise wait for startup to finish',
      );
    }
    step = 'GET /';
    const root = await getText(env, '');
    let version = 'unknown';
    try {
      version = JSON.parse(root.body).version ?? 'unknown';
    } catch {
      /* not JSON: reported below */
    }
    if (root.status !== 200 || version === 'unknown') fail(`GET / did not return Qdrant's version (HTTP ${root.status})`, `${step} on ${env.target.url}`, 'is this a Qdrant URL?', root.body.slice(0, 200));
    return { summary: `Qdrant ${version}: healthz ok, readyz ok (${ready.body || 'ready'})`, data: { version, healthz: health.body, readyz: ready.body } };
  } catch (e) {
    throw qfail(e, env, step);
  }
}

/** GET /collections (like the seed's curl) and, in cluster mode, the peers from GET /cluster. */
export async function collectionsCheck(env: QdrantEnv, c: CheckContext): Promise<CheckOutput> {
  c.explainWith(ectx(env, 'listing collections'));
  const q = client(env);
  try {
    const { collections } = await withTimeout(q.getCollections(), env.timeoutMs, 'listing collections');
    const names = collections.map((x) => x.name).sort();
    const lines = [names.length ? `collections: ${names.join(', ')}` : 'no collections yet'];
    let peers: number | undefined;
    try {
      const cl: any = (await withTimeout(q.api().clusterStatus({}), env.timeoutMs, 'GET /cluster')).data.result;
      if (cl?.status === 'enabled') {
        peers = Object.keys(cl.peers ?? {}).length;
        lines.push(`cluster mode: ${peers} peer(s), raft role ${cl.raft_info?.role ?? '?'}, term ${cl.raft_info?.term ?? '?'}`);
      } else if (cl?.status) {
        lines.push(`cluster mode: ${cl.status}`);
      }
    } catch {
      lines.push('cluster status: not available');
    }
    return { summary: `${names.length} collection(s)${peers !== undefined ? `, ${peers} cluster peer(s)` : ''}`, lines, data: { collections: names, peers } };
  } catch (e) {
    throw qfail(e, env, 'listing collections (GET /collections)');
  }
}

/**
 * Creates a collection of its own with an explicit HNSW config, checks the config was applied, upserts
 * the embeddings, counts them and queries the nearest neighbours of a query whose answer is known.
 */
export async function vectorsCheck(env: QdrantEnv, c: CheckContext): Promise<CheckOutput> {
  const name = env.runId;
  const q = client(env);
  let step = 'computing embeddings';
  c.explainWith(ectx(env, 'the vector round trip'));
  try {
    let emb: EmbeddingSet;
    if (env.ollama) {
      c.progress(`embedding ${DOCUMENTS.length} documents with Ollama ${env.ollama.model} at ${env.ollama.url}`);
      try {
        emb = await ollamaEmbeddings(env.ollama.url, env.ollama.model, env.timeoutMs);
      } catch (e) {
        if (e instanceof CheckFailure) throw e;
        throw new CheckFailure(explain(e, { service: 'ollama', action: 'requesting embeddings from Ollama', tried: `POST ${env.ollama.url}/api/embed`, endpoint: endpointOf(env.ollama.url) }));
      }
    } else {
      emb = deterministicEmbeddings();
    }

    step = `creating collection ${name}`;
    c.progress(`creating collection ${name} (${emb.dim}-dim, Cosine, hnsw m=${HNSW.m} ef_construct=${HNSW.ef_construct})`);
    env.cleanup.created(`collection ${name}`, `curl -X DELETE ${env.target.url}/collections/${name}${env.target.apiKey ? " -H 'api-key: …'" : ''}`, () =>
      q.deleteCollection(name, { timeout: Math.ceil(env.timeoutMs / 1000) }),
    );
    await withTimeout(q.createCollection(name, { vectors: { size: emb.dim, distance: 'Cosine' }, hnsw_config: HNSW, timeout: Math.ceil(env.timeoutMs / 1000) }), env.timeoutMs, step);

    step = `reading collection ${name}`;
    const info: any = await withTimeout(q.getCollection(name), env.timeoutMs, step);
    const hnsw = info?.config?.hnsw_config ?? {};
    const wrong = Object.entries(HNSW).filter(([k, v]) => hnsw[k] !== v);
    if (wrong.length) {
      fail(
        `the collection's HNSW config was not applied: ${wrong.map(([k, v]) => `${k}=${hnsw[k]} (asked ${v})`).join(', ')}`,
        `PUT /collections/${name} with hnsw_config ${JSON.stringify(HNSW)}, then GET /collections/${name}`,
        'an old Qdrant that ignores these fields? Check the server version',
      );
    }

    step = `upserting ${emb.vectors.length} points`;
    const t0 = Date.now();
    const up = await withTimeout(
      q.upsert(name, { wait: true, points: emb.vectors.map((vector, id) => ({ id, vector, payload: { text: DOCUMENTS[id], run: env.runId } })) }),
      env.timeoutMs,
      step,
    );
    const upsertMs = Date.now() - t0;
    if (up.status !== 'completed') fail(`upsert returned status ${up.status}, expected completed`, `PUT /collections/${name}/points?wait=true`, 'check the Qdrant logs (disk full? read-only mode?)');

    step = 'counting points';
    const { count } = await withTimeout(q.count(name, { exact: true }), env.timeoutMs, step);
    if (count !== emb.vectors.length) fail(`count is ${count}, expected ${emb.vectors.length}`, `POST /collections/${name}/points/count {exact:true} after a waited upsert`, 'a write was lost or not yet visible: check the Qdrant logs');

    step = 'querying nearest neighbours';
    const t1 = Date.now();
    const res = await withTimeout(q.query(name, { query: emb.query, limit: 3, with_payload: true, params: { hnsw_ef: 64 } }), env.timeoutMs, step);
    const queryMs = Date.now() - t1;
    const top = res.points ?? [];
    const lines = table(
      ['RANK', 'ID', 'SCORE', 'TEXT'],
      top.map((p, i) => [String(i + 1), String(p.id), Number(p.score).toFixed(4), String((p.payload as any)?.text ?? '')]),
    );
    if (!top.length || Number(top[0].id) !== emb.expectedId) {
      fail(
        `nearest neighbour is ${top.length ? `id ${top[0].id}` : 'nothing'}, expected id ${emb.expectedId}`,
        `POST /collections/${name}/points/query with the embedding of "${emb.queryText}" (${emb.source})`,
        'the index returned a wrong answer: check the collection status (GET /collections/' + name + ') and the server logs',
      );
    }
    return {
      summary: `collection ${name} (${emb.source}, HNSW m=${HNSW.m} ef_construct=${HNSW.ef_construct}): ${count} points upserted in ${formatMs(upsertMs)}, nearest neighbour id ${emb.expectedId} found in ${formatMs(queryMs)}`,
      lines,
      data: { collection: name, embeddings: emb.source, dim: emb.dim, points: count, hnsw: HNSW, upsertMs, queryMs, top: top.map((p) => ({ id: p.id, score: p.score })) },
    };
  } catch (e) {
    throw qfail(e, env, step);
  }
}
