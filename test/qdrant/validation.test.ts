/**
 * One test per rule of QDRANT_RULES: the error names the construct path, the prop, the offending value and what is
 * allowed. A coverage test proves every rule of the table is hit by a case, so a new rule needs a new case here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { DatastreamValidationError, show, validate } from '../../lib/common/validation';
import { Qdrant, QDRANT_RULES, QdrantProps, QdrantQuantization, ProductQuantizationCompression } from '../../lib/qdrant';
import { resolveQdrant } from '../../lib/qdrant/settings';
import { errorOf, labChart, synth } from '../util/synth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { atomicSynth } = require('../../scripts/atomic-synth');

process.env.DATASTREAM_QUIET_WARNINGS = '1';

const KEY = { secretName: 'qdrant-keys', key: 'api-key' };

/** [title, props, prop, value as shown in the message, what the message must say is allowed] */
const CASES: Array<[string, QdrantProps, string, string, RegExp]> = [
  ['name', { name: 'Qdrant_DB' }, 'name', "'Qdrant_DB'", /DNS label of at most 40/],
  ['namespace', { namespace: 'Lab!' }, 'namespace', "'Lab!'", /a DNS label/],
  ['clusterDomain', { clusterDomain: 'Cluster Local' }, 'clusterDomain', "'Cluster Local'", /DNS domain/],
  ['replicas (range)', { replicas: 0 }, 'replicas', '0', /1 to 99/],
  ['replicas (no Raft majority with 2)', { replicas: 2 }, 'replicas', '2', /2 peers cannot keep a Raft majority \(2 of 2\) when one is down/],
  ['clusterEnabled', { replicas: 3, clusterEnabled: false }, 'clusterEnabled', 'false', /true with 3 replicas/],
  ['clusterSeedOrdinal', { replicas: 3, clusterSeedOrdinal: 3 }, 'clusterSeedOrdinal', '3', /a pod ordinal from 0 to 2/],
  ['image', { image: 'qdrant' }, 'image', "'qdrant'", /with a tag or digest/],
  ['resources.cpu', { resources: { cpu: '50m' } }, 'resources.cpu', "'50m'", /at least 100m/],
  ['resources.memory', { resources: { memory: '128Mi' } }, 'resources.memory', "'128Mi'", /at least 256Mi/],
  ['storage.size', { storage: { size: '1Mi' } }, 'storage.size', "'1Mi'", /at least 64Mi/],
  ['storage.storageClassName', { storage: { storageClassName: 'Fast SSD' } }, 'storage.storageClassName', "'Fast SSD'", /StorageClass name/],
  ['storage.snapshotsSize', { storage: { snapshotsSize: 'big' } }, 'storage.snapshotsSize', "'big'", /at least 64Mi/],
  ['storage.snapshotsStorageClassName', { storage: { snapshotsStorageClassName: 'standard' } }, 'storage.snapshotsStorageClassName', "'standard'", /only together with storage.snapshotsSize/],
  ['hnswIndex.m', { hnswIndex: { m: 1000 } }, 'hnswIndex.m', '1000', /0 to 512/],
  ['hnswIndex.efConstruct', { hnswIndex: { efConstruct: 3 } }, 'hnswIndex.efConstruct', '3', /from 4 \(Qdrant minimum\)/],
  ['hnswIndex.fullScanThresholdKb', { hnswIndex: { fullScanThresholdKb: 5 } }, 'hnswIndex.fullScanThresholdKb', '5', /at least 10/],
  ['hnswIndex.maxIndexingThreads', { hnswIndex: { maxIndexingThreads: -1 } }, 'hnswIndex.maxIndexingThreads', '-1', /0 \(Qdrant chooses\) to 1024/],
  ['hnswIndex.payloadM', { hnswIndex: { payloadM: 1.5 } }, 'hnswIndex.payloadM', '1.5', /0 to 512/],
  ['optimizers.deletedThreshold', { optimizers: { deletedThreshold: 1.5 } }, 'optimizers.deletedThreshold', '1.5', /fraction from 0 to 1/],
  ['optimizers.vacuumMinVectorNumber', { optimizers: { vacuumMinVectorNumber: 99 } }, 'optimizers.vacuumMinVectorNumber', '99', /at least 100/],
  ['optimizers.defaultSegmentNumber', { optimizers: { defaultSegmentNumber: -2 } }, 'optimizers.defaultSegmentNumber', '-2', />= 0/],
  ['optimizers.maxSegmentSizeKb', { optimizers: { maxSegmentSizeKb: 0 } }, 'optimizers.maxSegmentSizeKb', '0', /at least 1/],
  ['optimizers.indexingThresholdKb', { optimizers: { indexingThresholdKb: -1 } }, 'optimizers.indexingThresholdKb', '-1', /0 disables indexing/],
  ['optimizers.flushIntervalSec', { optimizers: { flushIntervalSec: 0 } }, 'optimizers.flushIntervalSec', '0', /1 to 3600/],
  ['optimizers.maxOptimizationThreads', { optimizers: { maxOptimizationThreads: 2.5 } }, 'optimizers.maxOptimizationThreads', '2.5', /0 \(optimizations off\) to 1024/],
  ['quantization', { quantization: { kind: 'turbo' } as unknown as QdrantQuantization }, 'quantization', "'turbo'", /QdrantQuantization.scalar\(\), .product\(\), .binary\(\)/],
  ['quantization.quantile', { quantization: QdrantQuantization.scalar({ quantile: 0.4 }) }, 'quantization.quantile', '0.4', /0.5 to 1/],
  ['quantization.compression', { quantization: QdrantQuantization.product({ compression: 'x3' as ProductQuantizationCompression }) }, 'quantization.compression', "'x3'", /x4, x8, x16, x32, x64/],
  ['quantization.encoding', { quantization: QdrantQuantization.binary({ encoding: 'three_bits' as any }) }, 'quantization.encoding', "'three_bits'", /one_bit, one_and_half_bits, two_bits/],
  ['collectionDefaults.replicationFactor', { replicas: 3, collectionDefaults: { replicationFactor: 4 } }, 'collectionDefaults.replicationFactor', '4', /1 to the replica count \(3\)/],
  ['collectionDefaults.writeConsistencyFactor', { replicas: 3, collectionDefaults: { writeConsistencyFactor: 3 } }, 'collectionDefaults.writeConsistencyFactor', '3', /1 to the replication factor \(2\)/],
  ['apiKeySecret.secretName', { apiKeySecret: { secretName: 'Qdrant Keys', key: 'api-key' } }, 'apiKeySecret.secretName', "'Qdrant Keys'", /existing Secret/],
  ['apiKeySecret.key', { apiKeySecret: { secretName: 'k', key: 'api key' } }, 'apiKeySecret.key', "'api key'", /Secret key of/],
  ['readOnlyApiKeySecret.secretName', { apiKeySecret: KEY, readOnlyApiKeySecret: { secretName: '-ro', key: 'ro' } }, 'readOnlyApiKeySecret.secretName', "'-ro'", /existing Secret/],
  ['readOnlyApiKeySecret.key', { apiKeySecret: KEY, readOnlyApiKeySecret: { secretName: 'k', key: 'ro/key' } }, 'readOnlyApiKeySecret.key', "'ro/key'", /Secret key of/],
  ['readOnlyApiKeySecret (needs the admin key)', { readOnlyApiKeySecret: KEY }, 'readOnlyApiKeySecret', JSON.stringify(KEY), /only together with apiKeySecret/],
  ['logLevel', { logLevel: 'LOUD' as any }, 'logLevel', "'LOUD'", /ERROR, WARN, INFO, DEBUG, TRACE/],
  ['antiAffinity', { antiAffinity: 'always' as any }, 'antiAffinity', "'always'", /soft, hard, none/],
  ['startupTimeoutSeconds', { startupTimeoutSeconds: 10 }, 'startupTimeoutSeconds', '10', /30 to 86400/],
  ['networkPolicy.allowFrom', { networkPolicy: { allowFrom: [{}] } }, 'networkPolicy.allowFrom', '[{}]', /at least one/],
];

/** Indices of the rules that fail for these props, each rule evaluated alone. */
function failingRules(props: QdrantProps): number[] {
  const chart = labChart();
  const s = resolveQdrant('qdrant', props.namespace ?? 'lab', props);
  return QDRANT_RULES.flatMap((r, i) => {
    try {
      validate(chart, 'Qdrant', s, [r]);
      return [];
    } catch {
      return [i];
    }
  });
}

describe('one test per rule: the error names the path, the prop, the value and what is allowed', () => {
  test.each(CASES)('%s', (_title, props, prop, value, allowed) => {
    const chart = labChart();
    const err = errorOf(() => new Qdrant(chart, 'qdrant', props));
    expect(err).toBeInstanceOf(DatastreamValidationError);
    const failure = (err as DatastreamValidationError).failures.find((f) => f.prop === prop && allowed.test(f.message));
    expect(failure).toBeDefined();
    expect(failure!.message).toContain(`[test/qdrant] Qdrant prop '${prop}': ${value} is invalid; allowed: `);
    expect(show(failure!.value)).toBe(value);
    // Only this rule fails: the case isolates it.
    expect((err as DatastreamValidationError).failures).toHaveLength(1);
    // Nothing was emitted.
    expect(synth(chart)).toEqual([]);
  });

  test('every rule of the table is covered by exactly one case', () => {
    const hits = CASES.map(([title, props]) => [title, failingRules(props)] as const);
    for (const [title, idx] of hits) expect(`${title}: ${idx.length}`).toBe(`${title}: 1`);
    const covered = hits.map(([, idx]) => idx[0]).sort((a, b) => a - b);
    expect(covered).toEqual(QDRANT_RULES.map((_r, i) => i));
  });

  test('valid props pass every rule', () => {
    expect(failingRules({})).toEqual([]);
    expect(failingRules({ replicas: 3, ...{ apiKeySecret: KEY, readOnlyApiKeySecret: { secretName: 'qdrant-keys', key: 'ro' } } })).toEqual([]);
  });
});

describe('all failures are reported together', () => {
  test('three bad props, one error listing each', () => {
    const err = errorOf(() => new Qdrant(labChart(), 'qdrant', { replicas: 2, hnswIndex: { efConstruct: 1 }, storage: { size: 'lots' } })) as DatastreamValidationError;
    expect(err.failures.map((f) => f.prop)).toEqual(['replicas', 'storage.size', 'hnswIndex.efConstruct']);
    expect(err.message).toMatch(/^3 invalid props:\n {2}- \[test\/qdrant\] Qdrant prop 'replicas': 2 is invalid/);
  });
});

describe('a failed synth leaves the output folder as it was', () => {
  test('dist/ untouched', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-'));
    try {
      fs.writeFileSync(path.join(dist, 'previous.k8s.yaml'), 'kind: Previous\n');
      const err = errorOf(() =>
        atomicSynth(dist, (tmp: string) => {
          const app = new App({ outdir: tmp });
          new Qdrant(new Chart(app, 'qdrant', { namespace: 'lab' }), 'qdrant', { replicas: 2 });
          app.synth();
        }),
      );
      expect(err.message).toContain("[qdrant/qdrant] Qdrant prop 'replicas': 2 is invalid");
      expect(fs.readdirSync(dist)).toEqual(['previous.k8s.yaml']);
      expect(fs.readdirSync(path.dirname(dist)).filter((f) => f.startsWith(`.${path.basename(dist)}-`))).toEqual([]);
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });
});
