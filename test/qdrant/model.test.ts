/**
 * The pure model: Qdrant's config file for given props, each peer's start arguments, and the start script, which
 * is run here with bash against a fake entrypoint to prove it passes exactly the arguments the model computes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { grpcUrl, httpUrl, peerArgs, peerUri, probeTimings, qdrantConfig, renderConfig, renderStartScript } from '../../lib/qdrant/model';
import { QDRANT_PATHS } from '../../lib/qdrant/ports';
import {
  BinaryQuantizationEncoding,
  ProductQuantizationCompression,
  QdrantLogLevel,
  QdrantProps,
  QdrantQuantization,
} from '../../lib/qdrant/props';
import { resolveQdrant } from '../../lib/qdrant/settings';

const settings = (props: QdrantProps = {}, namespace = 'lab') => resolveQdrant('qdrant', namespace, props);
const CONFIG = '/qdrant/cdk8s/config.yaml';

describe('config file', () => {
  test('defaults: Qdrant 1.19 HNSW and optimizer defaults, telemetry off, single node, no secrets', () => {
    const c: any = qdrantConfig(settings());
    expect(c.telemetry_disabled).toBe(true);
    expect(c.log_level).toBe('INFO');
    expect(c.storage.hnsw_index).toEqual({ m: 16, ef_construct: 100, full_scan_threshold_kb: 10000, max_indexing_threads: 0, on_disk: false });
    expect(c.storage.optimizers).toEqual({
      deleted_threshold: 0.2,
      vacuum_min_vector_number: 1000,
      default_segment_number: 0,
      indexing_threshold_kb: 10000,
      flush_interval_sec: 5,
    });
    expect(c.storage.collection).toEqual({ replication_factor: 1, write_consistency_factor: 1 });
    expect(c.storage.storage_path).toBe('/qdrant/storage');
    expect(c.storage.snapshots_path).toBe('/qdrant/snapshots');
    expect(c.service).toEqual({ host: '0.0.0.0', http_port: 6333, grpc_port: 6334, enable_tls: false });
    expect(c.cluster).toEqual({ enabled: false });
    expect(JSON.stringify(c)).not.toMatch(/api_key/);
  });

  test('HNSW props land under storage.hnsw_index with Qdrant key names', () => {
    const c: any = qdrantConfig(settings({ hnswIndex: { m: 32, efConstruct: 256, fullScanThresholdKb: 20000, maxIndexingThreads: 4, onDisk: true, payloadM: 16 } }));
    expect(c.storage.hnsw_index).toEqual({ m: 32, ef_construct: 256, full_scan_threshold_kb: 20000, max_indexing_threads: 4, on_disk: true, payload_m: 16 });
  });

  test('a partial HNSW prop keeps the other defaults', () => {
    const c: any = qdrantConfig(settings({ hnswIndex: { efConstruct: 200 } }));
    expect(c.storage.hnsw_index).toEqual({ m: 16, ef_construct: 200, full_scan_threshold_kb: 10000, max_indexing_threads: 0, on_disk: false });
  });

  test('optimizer props, including the optional ones', () => {
    const c: any = qdrantConfig(
      settings({
        optimizers: {
          deletedThreshold: 0.3,
          vacuumMinVectorNumber: 500,
          defaultSegmentNumber: 4,
          maxSegmentSizeKb: 200000,
          indexingThresholdKb: 20000,
          flushIntervalSec: 10,
          maxOptimizationThreads: 2,
        },
      }),
    );
    expect(c.storage.optimizers).toEqual({
      deleted_threshold: 0.3,
      vacuum_min_vector_number: 500,
      default_segment_number: 4,
      max_segment_size_kb: 200000,
      indexing_threshold_kb: 20000,
      flush_interval_sec: 10,
      max_optimization_threads: 2,
    });
  });

  test.each([
    ['scalar', QdrantQuantization.scalar({ quantile: 0.99, alwaysRam: true }), { scalar: { type: 'int8', quantile: 0.99, always_ram: true } }],
    ['scalar (defaults)', QdrantQuantization.scalar(), { scalar: { type: 'int8' } }],
    ['product', QdrantQuantization.product({ compression: ProductQuantizationCompression.X16 }), { product: { compression: 'x16' } }],
    ['binary', QdrantQuantization.binary({ encoding: BinaryQuantizationEncoding.TWO_BITS, alwaysRam: false }), { binary: { encoding: 'two_bits', always_ram: false } }],
  ])('%s quantization becomes storage.collection.quantization', (_n, quantization, expected) => {
    const c: any = qdrantConfig(settings({ quantization }));
    expect(c.storage.collection.quantization).toEqual(expected);
  });

  test('collection defaults: replication 2 once there are 3 peers, overridable; vectors on disk', () => {
    expect((qdrantConfig(settings({ replicas: 3 })) as any).storage.collection.replication_factor).toBe(2);
    expect((qdrantConfig(settings({ replicas: 5 })) as any).storage.collection.replication_factor).toBe(2);
    const c: any = qdrantConfig(settings({ replicas: 3, collectionDefaults: { replicationFactor: 3, writeConsistencyFactor: 2, vectorsOnDisk: true } }));
    expect(c.storage.collection).toEqual({ replication_factor: 3, write_consistency_factor: 2, vectors: { on_disk: true } });
  });

  test('telemetry and log level', () => {
    const c: any = qdrantConfig(settings({ telemetry: true, logLevel: QdrantLogLevel.DEBUG }));
    expect(c.telemetry_disabled).toBe(false);
    expect(c.log_level).toBe('DEBUG');
  });

  test('cluster mode: p2p on 6335, consensus tick', () => {
    expect((qdrantConfig(settings({ replicas: 3 })) as any).cluster).toEqual({ enabled: true, p2p: { port: 6335, enable_tls: false }, consensus: { tick_period_ms: 100 } });
    expect((qdrantConfig(settings({ replicas: 1, clusterEnabled: true })) as any).cluster.enabled).toBe(true);
  });

  test('the rendered YAML parses back to the model, under a do-not-edit header', () => {
    const s = settings({ replicas: 3, hnswIndex: { m: 24 }, quantization: QdrantQuantization.scalar({ quantile: 0.95 }) });
    const text = renderConfig(s);
    expect(text.split('\n')[0]).toMatch(/^# Generated by cdk8s-datastream/);
    expect(parse(text)).toEqual(qdrantConfig(s));
  });

  test('scaling a cluster does not change the config or the start script (no rolling restart on scale)', () => {
    const three = settings({ replicas: 3 });
    const five = settings({ replicas: 5 });
    expect(renderConfig(five)).toBe(renderConfig(three));
    expect(renderStartScript(five)).toBe(renderStartScript(three));
  });
});

describe('URLs and peer addresses', () => {
  test('client URLs use the Service FQDN', () => {
    const s = settings({}, 'vectors');
    expect(httpUrl(s)).toBe('http://qdrant.vectors.svc.cluster.local:6333');
    expect(grpcUrl(s)).toBe('http://qdrant.vectors.svc.cluster.local:6334');
  });

  test('peer URIs go through the headless Service and the p2p port; clusterDomain is honoured', () => {
    expect(peerUri(settings({ replicas: 3 }), 2)).toBe('http://qdrant-2.qdrant-headless.lab.svc.cluster.local:6335');
    expect(peerUri(settings({ replicas: 3, name: 'vec', clusterDomain: 'corp.internal' }), 0)).toBe('http://vec-0.vec-headless.lab.svc.corp.internal:6335');
  });
});

describe('peer start arguments', () => {
  test('1 replica: only the config file, no --uri or --bootstrap', () => {
    expect(peerArgs(settings({ replicas: 1 }), 0)).toEqual(['--config-path', CONFIG]);
  });

  test('3 replicas: peer 0 starts the cluster, peers 1 and 2 bootstrap from it', () => {
    const s = settings({ replicas: 3 });
    const uri = (i: number) => `http://qdrant-${i}.qdrant-headless.lab.svc.cluster.local:6335`;
    expect(peerArgs(s, 0)).toEqual(['--config-path', CONFIG, '--uri', uri(0)]);
    expect(peerArgs(s, 1)).toEqual(['--config-path', CONFIG, '--bootstrap', uri(0), '--uri', uri(1)]);
    expect(peerArgs(s, 2)).toEqual(['--config-path', CONFIG, '--bootstrap', uri(0), '--uri', uri(2)]);
  });

  test('clusterSeedOrdinal moves the seed (recovery of a peer that lost its volume)', () => {
    const s = settings({ replicas: 3, clusterSeedOrdinal: 1 });
    const uri = (i: number) => `http://qdrant-${i}.qdrant-headless.lab.svc.cluster.local:6335`;
    expect(peerArgs(s, 1)).toEqual(['--config-path', CONFIG, '--uri', uri(1)]);
    expect(peerArgs(s, 0)).toEqual(['--config-path', CONFIG, '--bootstrap', uri(1), '--uri', uri(0)]);
  });
});

describe('start script (run with bash against a fake entrypoint)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qdrant-start-'));
    fs.writeFileSync(path.join(dir, 'entrypoint.sh'), '#!/bin/bash\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(props: QdrantProps, podName: string): string[] {
    const script = renderStartScript(settings(props)).split(QDRANT_PATHS.entrypoint).join(path.join(dir, 'entrypoint.sh'));
    const file = path.join(dir, 'start.sh');
    fs.writeFileSync(file, script);
    const r = spawnSync('/bin/bash', [file], { env: { PATH: process.env.PATH, POD_NAME: podName }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout.trimEnd().split('\n');
  }

  test.each([
    ['1 replica', { replicas: 1 }, 'qdrant-0', 0],
    ['3 replicas, peer 0', { replicas: 3 }, 'qdrant-0', 0],
    ['3 replicas, peer 1', { replicas: 3 }, 'qdrant-1', 1],
    ['3 replicas, peer 2', { replicas: 3 }, 'qdrant-2', 2],
    ['5 replicas, peer 4', { replicas: 5 }, 'qdrant-4', 4],
    ['seed ordinal 2, peer 0', { replicas: 3, clusterSeedOrdinal: 2 }, 'qdrant-0', 0],
    ['seed ordinal 2, peer 2', { replicas: 3, clusterSeedOrdinal: 2 }, 'qdrant-2', 2],
    ['a name with dashes, peer 10', { replicas: 11, name: 'my-vector-db' }, 'my-vector-db-10', 10],
  ])('%s: passes exactly peerArgs()', (_n, props, podName, ordinal) => {
    expect(run(props as QdrantProps, podName)).toEqual(peerArgs(settings(props as QdrantProps), ordinal));
  });

  test('the script fails loudly without POD_NAME in cluster mode (set -u)', () => {
    const script = renderStartScript(settings({ replicas: 3 })).split(QDRANT_PATHS.entrypoint).join(path.join(dir, 'entrypoint.sh'));
    fs.writeFileSync(path.join(dir, 'start.sh'), script);
    const r = spawnSync('/bin/bash', [path.join(dir, 'start.sh')], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/POD_NAME/);
  });
});

describe('probe timings', () => {
  test('the startup budget covers startupTimeoutSeconds', () => {
    const t = probeTimings(settings({ startupTimeoutSeconds: 1800 }));
    expect(t.startup.periodSeconds * t.startup.failureThreshold).toBeGreaterThanOrEqual(1800);
    expect(t.startup.periodSeconds * (t.startup.failureThreshold - 1)).toBeLessThan(1800);
    expect(probeTimings(settings()).startup.failureThreshold).toBe(60);
  });
});
