import { fail } from './errors';
import { errorMessage, withTimeout } from './util';

/** Short documents in the spirit of module 07, embedded and searched by the Qdrant check. */
export const DOCUMENTS = [
  'Kafka topics are split into partitions; each partition is an ordered log.',
  'Replication copies every partition to several brokers so a broker can fail without data loss.',
  'Redpanda speaks the Kafka protocol without a JVM or ZooKeeper.',
  'A StatefulSet gives each pod a stable name and its own persistent volume.',
  'Qdrant stores embeddings and searches them with an HNSW graph index.',
  'KEDA scales a consumer Deployment on Kafka consumer-group lag.',
  'Strimzi runs Kafka on Kubernetes with an operator and custom resources.',
  'kcat produces and consumes messages from the command line.',
  'An embedding is a vector of numbers that places similar texts close together.',
  'PersistentVolumeClaims bind storage from a StorageClass to a pod.',
  'Port-forwarding tunnels a local port to a pod through the API server.',
  'The chatbot publishes user messages to Kafka and retrieves context from Qdrant.',
];

export interface EmbeddingSet {
  source: string;
  dim: number;
  vectors: number[][];
  /** The query vector and the id (index) of the point it must find first. */
  query: number[];
  expectedId: number;
  queryText: string;
}

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normalise(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / n);
}

/**
 * Deterministic embeddings: one pseudo-random unit vector per document (same numbers on every run), and a
 * query that is document `expectedId`'s vector plus a little deterministic noise, so its nearest
 * neighbour by cosine similarity is known in advance.
 */
export function deterministicEmbeddings(dim = 64, expectedId = 4): EmbeddingSet {
  const vectors = DOCUMENTS.map((_, i) => {
    const r = prng(1000 + i);
    return normalise(Array.from({ length: dim }, () => r() * 2 - 1));
  });
  const noise = prng(4242);
  const query = normalise(vectors[expectedId].map((x) => x + (noise() * 2 - 1) * 0.05));
  return { source: `deterministic (${dim}-dim, seeded)`, dim, vectors, query, expectedId, queryText: DOCUMENTS[expectedId] };
}

async function postJson(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; json: any; text: string }> {
  const res = await withTimeout(
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) }),
    timeoutMs,
    `POST ${url}`,
  );
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/**
 * Real embeddings from Ollama: POST /api/embed {model, input:[...]} (current API), falling back to the
 * older POST /api/embeddings {model, prompt} per text. The query is document `expectedId`'s own text,
 * embedded in a separate call, so a working model must return that document first.
 */
export async function ollamaEmbeddings(baseUrl: string, model: string, timeoutMs: number, expectedId = 4): Promise<EmbeddingSet> {
  const base = baseUrl.replace(/\/+$/, '');
  let legacy = false;
  const embed = async (texts: string[]): Promise<number[][]> => {
    if (!legacy) {
      const r = await postJson(`${base}/api/embed`, { model, input: texts }, timeoutMs * 4);
      if (r.status === 200 && Array.isArray(r.json?.embeddings)) return r.json.embeddings;
      if (r.status === 404 && /model.*not found|pull/i.test(r.text)) {
        fail(`Ollama has no model "${model}"`, `POST ${base}/api/embed`, `run \`ollama pull ${model}\` on the Ollama host, or pick another --ollama-model`, r.text.trim());
      }
      if (r.status !== 404) {
        fail(`Ollama answered HTTP ${r.status} to /api/embed`, `POST ${base}/api/embed with model ${model}`, 'check the Ollama server log; is this an Ollama URL?', errorMessage(r.text.slice(0, 300)));
      }
      legacy = true; // an Ollama older than /api/embed
    }
    const out: number[][] = [];
    for (const t of texts) {
      const one = await postJson(`${base}/api/embeddings`, { model, prompt: t }, timeoutMs * 2);
      if (one.status !== 200 || !Array.isArray(one.json?.embedding)) {
        fail(`Ollama /api/embeddings answered HTTP ${one.status}`, `POST ${base}/api/embed (404), then POST ${base}/api/embeddings`, 'check the model name (`ollama list`) and the Ollama version', one.text.trim().slice(0, 300));
      }
      out.push(one.json.embedding);
    }
    return out;
  };
  const vectors = await embed(DOCUMENTS);
  const dim = vectors[0]?.length ?? 0;
  if (!dim || vectors.some((v) => v.length !== dim)) fail('Ollama returned empty or inconsistent embeddings', `POST ${base}/api/embed`, 'use an embedding model such as nomic-embed-text or mxbai-embed-large');
  const [query] = await embed([DOCUMENTS[expectedId]]);
  return { source: `ollama ${model} (${dim}-dim${legacy ? ', legacy /api/embeddings' : ''})`, dim, vectors, query, expectedId, queryText: DOCUMENTS[expectedId] };
}
