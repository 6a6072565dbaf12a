/**
 * Live tier, Qdrant step. NOTE: these runs talk to a STAND-IN, NOT to Qdrant — no Qdrant server can be
 * installed on this machine. test/live/qdrant-standin.ts answers exactly the REST calls verify makes, the way
 * Qdrant 1.19 does (envelope, status codes, api-key header, exact cosine search). What this proves: verify's
 * requests, its assertions (HNSW config read back, count, expected nearest neighbour), its error messages and
 * its cleanup. What it cannot prove: that a real Qdrant build accepts the same requests — that is what the
 * reference notes (shared/reference/qdrant.md §3) and the typed @qdrant/js-client-rest calls are for.
 */
import * as net from 'net';
import { startOllamaStandin, startQdrantStandin, QdrantStandin } from './qdrant-standin';
import { check, closedPort, expectStatuses, verify } from './helpers';

const ONLY = ['--no-kube', '--only', 'qdrant'];
let q: QdrantStandin | undefined;

afterEach(async () => {
  await q?.close();
  q = undefined;
});

test('health, collections and the vector round trip pass; only the collection verify created is deleted', async () => {
  q = await startQdrantStandin({ preexisting: ['chatbot-docs'] });
  const r = await verify([...ONLY, '--qdrant-url', q.url, '--json']);
  expectStatuses(r, { 'qdrant.health': 'passed', 'qdrant.collections': 'passed', 'qdrant.vectors': 'passed', 'cleanup': 'passed' });
  expect(r.code).toBe(0);
  expect(check(r, 'qdrant.health').summary).toBe('Qdrant 1.19.0: healthz ok, readyz ok (all shards are ready)');
  expect(check(r, 'qdrant.collections').data.collections).toEqual(['chatbot-docs']);
  const v = check(r, 'qdrant.vectors').data;
  expect(v).toMatchObject({ collection: r.json.runId, embeddings: 'deterministic (64-dim, seeded)', dim: 64, points: 12, hnsw: { m: 16, ef_construct: 128, full_scan_threshold: 10 } });
  expect(v.top[0].id).toBe(4);
  expect(v.top[0].score).toBeGreaterThan(0.95);

  // Exactly the calls of the seed's drill 4 plus the collection round trip, nothing else, and one delete: its own.
  const calls = q.requests.map((x) => `${x.method} ${x.path.replace(r.json.runId, '<own>')}`);
  expect(calls).toEqual([
    'GET /healthz',
    'GET /readyz',
    'GET /',
    'GET /collections',
    'GET /cluster',
    'PUT /collections/<own>',
    'GET /collections/<own>',
    'PUT /collections/<own>/points',
    'POST /collections/<own>/points/count',
    'POST /collections/<own>/points/query',
    'DELETE /collections/<own>',
  ]);
  expect([...q.collections.keys()]).toEqual(['chatbot-docs']);
  expect(q.collections.get('chatbot-docs')!.points.size).toBe(1);
});

test('API key: missing key says how to pass it; the key from an env var is sent as the api-key header', async () => {
  q = await startQdrantStandin({ apiKey: 'sekret-key' });
  const missing = await verify([...ONLY, '--qdrant-url', q.url, '--json']);
  expect(missing.code).toBe(1);
  expect(check(missing, 'qdrant.health').status).toBe('passed'); // health endpoints need no key, as in Qdrant
  const c = check(missing, 'qdrant.collections');
  expect(c.problem.what).toBe('Qdrant refused the request (HTTP 401) while listing collections (GET /collections)');
  expect(c.problem.fix).toMatch(/--qdrant-api-key-env VAR or --qdrant-api-key-secret NAME\/KEY/);
  expect(check(missing, 'qdrant.vectors')).toMatchObject({ status: 'skipped', skipReason: 'qdrant.collections failed' });

  const wrong = await verify([...ONLY, '--qdrant-url', q.url, '--qdrant-api-key-env', 'QK', '--json'], { env: { QK: 'nope' } });
  expect(check(wrong, 'qdrant.collections').problem.fix).toMatch(/the API key from env QK is wrong/);

  q.requests.length = 0;
  const ok = await verify([...ONLY, '--qdrant-url', q.url, '--qdrant-api-key-env', 'QK', '--json'], { env: { QK: 'sekret-key' } });
  expect(ok.code).toBe(0);
  expect(ok.json.targets.qdrant.apiKey).toBe('from env QK');
  expect(q.requests.filter((x) => x.path.startsWith('/collections')).every((x) => x.apiKey === 'sekret-key')).toBe(true);
  expect(ok.stdout + ok.stderr).not.toContain('sekret-key');
});

test('not ready, not applied HNSW config and a wrong nearest neighbour are failures with reasons', async () => {
  q = await startQdrantStandin({ notReady: true });
  const nr = await verify([...ONLY, '--qdrant-url', q.url, '--json']);
  expect(nr.code).toBe(1);
  expect(check(nr, 'qdrant.health').problem.what).toBe('/readyz answered HTTP 503: some shards are not ready');
  expect(check(nr, 'qdrant.health').problem.fix).toMatch(/consensus with its peers/);
  await q.close();

  q = await startQdrantStandin({ ignoreHnsw: true });
  const hn = await verify([...ONLY, '--qdrant-url', q.url, '--json']);
  expect(check(hn, 'qdrant.vectors').problem.what).toBe("the collection's HNSW config was not applied: ef_construct=100 (asked 128), full_scan_threshold=10000 (asked 10)");
  expect(q.collections.size).toBe(0); // cleaned up after the failure too
  await q.close();

  q = await startQdrantStandin({ wrongResults: true });
  const wr = await verify([...ONLY, '--qdrant-url', q.url, '--json']);
  expect(check(wr, 'qdrant.vectors').problem.what).toMatch(/^nearest neighbour is id \d+, expected id 4$/);
  expect(q.collections.size).toBe(0);
});

test('connection refused points at the port-forward; a URL without a port hints at :6333; a silent server is bounded', async () => {
  const port = await closedPort();
  const r = await verify([...ONLY, '--qdrant-url', `http://127.0.0.1:${port}`, '--json']);
  expect(r.code).toBe(1);
  const h = check(r, 'qdrant.health');
  expect(h.problem.what).toBe(`connection refused on 127.0.0.1:${port}`);
  expect(h.problem.fix).toMatch(/kubectl -n lab port-forward svc\/qdrant 6333:6333/);
  expect(check(r, 'qdrant.collections').status).toBe('skipped');

  const silentSockets: net.Socket[] = [];
  const silent = net.createServer((s) => silentSockets.push(s));
  await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
  try {
    const t = await verify([...ONLY, '--qdrant-url', `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, '--timeout', '2', '--json']);
    expect(t.code).toBe(1);
    expect(t.ms).toBeLessThan(20000);
    expect(check(t, 'qdrant.health').problem.what).toMatch(/no answer within 2\.00 s while GET healthz|no answer/);
  } finally {
    for (const s of silentSockets) s.destroy();
    silent.close();
  }
});

test('--ollama-url: real-model path against an Ollama stand-in (NOT Ollama): embeddings from /api/embed', async () => {
  q = await startQdrantStandin();
  const ollama = await startOllamaStandin('nomic-embed-text');
  try {
    const r = await verify([...ONLY, '--qdrant-url', q.url, '--ollama-url', ollama.url, '--json']);
    expect(r.code).toBe(0);
    expect(check(r, 'qdrant.vectors').data).toMatchObject({ embeddings: 'ollama nomic-embed-text (32-dim)', dim: 32, points: 12 });
    expect(ollama.calls).toBe(2); // the documents, then the query text

    const missingModel = await verify([...ONLY, '--qdrant-url', q.url, '--ollama-url', ollama.url, '--ollama-model', 'all-minilm', '--json']);
    expect(check(missingModel, 'qdrant.vectors').problem).toMatchObject({ what: 'Ollama has no model "all-minilm"', fix: expect.stringMatching(/ollama pull all-minilm/) });
  } finally {
    await ollama.close();
  }
});

test('a cleanup that fails is a failure: exit 1, with what was left behind and the command to remove it', async () => {
  q = await startQdrantStandin({ refuseDelete: true });
  const r = await verify([...ONLY, '--qdrant-url', q.url, '--json']);
  expect(check(r, 'qdrant.vectors').status).toBe('passed');
  expect(r.code).toBe(1);
  const c = check(r, 'cleanup');
  expect(c.status).toBe('failed');
  expect(c.problem.what).toMatch(new RegExp(`^left behind: collection ${r.json.runId} \\(`));
  expect(c.problem.fix).toBe(`remove by hand: curl -X DELETE ${q.url}/collections/${r.json.runId}`);
  expect(r.json.cleanup.leftBehind).toHaveLength(1);
});
