import { IConstruct } from 'constructs';
import { isNetworkPeer, NETWORK_PEER_ALLOWED } from '../common/network-policy';
import { isQuantity, parseBytes } from '../common/quantity';
import { AntiAffinity } from '../common/scheduling';
import { isDnsLabel, isDnsSubdomain, isIntIn, isNonNegativeInt, isServiceName, validate, ValidationRule, warn } from '../common/validation';
import { BinaryQuantizationEncoding, ProductQuantizationCompression, QdrantLogLevel, QdrantQuantizationKind } from './props';
import { QdrantSettings } from './settings';

const KIND = 'Qdrant';
const enumValues = (e: object) => Object.values(e).join(', ');
const isEnum = (e: object) => (v: unknown) => Object.values(e).includes(v);
/** Longest name whose derived names (`<name>-headless`, pods, `qdrant-snapshots-<name>-<n>` claims) stay DNS labels. */
const MAX_NAME = 40;
const bytesAtLeast = (min: number) => (v: unknown) => {
  try {
    return typeof v === 'string' && isQuantity(v) && parseBytes(v) >= min;
  } catch {
    return false;
  }
};
const isNumberIn = (lo: number, hi: number) => (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
const isIntAtLeast = (lo: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= lo;
/** Secret keys: `[-._a-zA-Z0-9]+`, at most 253 characters. */
const isSecretKey = (v: unknown) => typeof v === 'string' && /^[-._a-zA-Z0-9]{1,253}$/.test(v);
const sameRef = (s: QdrantSettings) =>
  !!s.apiKeySecret && !!s.readOnlyApiKeySecret && s.apiKeySecret.secretName === s.readOnlyApiKeySecret.secretName && s.apiKeySecret.key === s.readOnlyApiKeySecret.key;
const MIN_BYTES = 2 ** 26;

/** The rule table: one entry per prop constraint. Every rule has its own test in test/qdrant/validation.test.ts. */
export const QDRANT_RULES: ReadonlyArray<ValidationRule<QdrantSettings>> = [
  { prop: 'name', value: (s) => s.name, check: (v) => isServiceName(v) && v.length <= MAX_NAME, allowed: `a DNS label of at most ${MAX_NAME} characters that starts with a letter (lower-case letters, digits, '-'; it names Services)` },
  { prop: 'namespace', value: (s) => s.namespace, check: isDnsLabel, allowed: 'a DNS label' },
  { prop: 'clusterDomain', value: (s) => s.clusterDomain, check: isDnsSubdomain, allowed: "a DNS domain, e.g. 'cluster.local'" },
  { prop: 'replicas', value: (s) => s.replicas, check: isIntIn(1, 99), allowed: 'a whole number from 1 to 99 (1 for a single node, 3 or more for a cluster)' },
  {
    prop: 'replicas',
    value: (s) => s.replicas,
    check: (v) => v !== 2,
    allowed:
      '1 or 3 or more: 2 peers cannot keep a Raft majority (2 of 2) when one is down, so collection changes, shard moves and peer joins stop ' +
      'while either peer restarts; 2 peers give no more availability than 1 and twice the failure points',
  },
  {
    prop: 'clusterEnabled',
    when: (s) => Number.isInteger(s.replicas) && s.replicas > 1,
    value: (s) => s.clusterEnabled,
    check: (v) => v === true,
    allowed: (s) => `true with ${s.replicas} replicas (separate single nodes behind one Service would each hold different data)`,
  },
  {
    prop: 'clusterSeedOrdinal',
    value: (s) => s.clusterSeedOrdinal,
    check: (v, s) => Number.isInteger(v) && v >= 0 && v < Math.max(1, s.replicas),
    allowed: (s) => `a pod ordinal from 0 to ${Math.max(0, s.replicas - 1)} (the peer that starts a new cluster)`,
  },
  {
    prop: 'image',
    value: (s) => s.image,
    check: (v) => typeof v === 'string' && /^[^\s]+:[^\s:/]+$|^[^\s]+@sha256:[0-9a-f]{64}$/.test(v),
    allowed: 'an image reference with a tag or digest, e.g. docker.io/qdrant/qdrant:v1.19.0-unprivileged',
  },
  { prop: 'resources.cpu', value: (s) => s.cpu, check: (v, s) => isQuantity(v) && s.millicores >= 100, allowed: "a CPU quantity of at least 100m, e.g. '500m', '2'" },
  { prop: 'resources.memory', value: (s) => s.memory, check: bytesAtLeast(2 ** 28), allowed: "a memory quantity of at least 256Mi, e.g. '1Gi', '8Gi'" },
  { prop: 'storage.size', value: (s) => s.storageSize, check: bytesAtLeast(MIN_BYTES), allowed: "a storage quantity of at least 64Mi, e.g. '1Gi', '100Gi'" },
  { prop: 'storage.storageClassName', when: (s) => s.storageClassName !== undefined, value: (s) => s.storageClassName, check: isDnsSubdomain, allowed: 'a StorageClass name (DNS subdomain)' },
  { prop: 'storage.snapshotsSize', when: (s) => s.snapshotsSize !== undefined, value: (s) => s.snapshotsSize, check: bytesAtLeast(MIN_BYTES), allowed: "a storage quantity of at least 64Mi (about the data size for full snapshots), e.g. '10Gi'" },
  {
    prop: 'storage.snapshotsStorageClassName',
    when: (s) => s.snapshotsStorageClassName !== undefined,
    value: (s) => s.snapshotsStorageClassName,
    check: (v, s) => isDnsSubdomain(v) && s.snapshotsSize !== undefined,
    allowed: 'a StorageClass name (DNS subdomain), only together with storage.snapshotsSize',
  },
  { prop: 'hnswIndex.m', value: (s) => s.hnsw.m, check: isIntIn(0, 512), allowed: 'a whole number from 0 to 512 (0 disables the global graph; Qdrant default 16; higher costs memory)' },
  { prop: 'hnswIndex.efConstruct', value: (s) => s.hnsw.efConstruct, check: isIntIn(4, 4096), allowed: 'a whole number from 4 (Qdrant minimum) to 4096 (Qdrant default 100; higher costs build time)' },
  { prop: 'hnswIndex.fullScanThresholdKb', value: (s) => s.hnsw.fullScanThresholdKb, check: isIntAtLeast(10), allowed: 'a whole number of KB, at least 10 (Qdrant minimum; default 10000)' },
  { prop: 'hnswIndex.maxIndexingThreads', value: (s) => s.hnsw.maxIndexingThreads, check: isIntIn(0, 1024), allowed: 'a whole number from 0 (Qdrant chooses) to 1024' },
  { prop: 'hnswIndex.payloadM', when: (s) => s.hnsw.payloadM !== undefined, value: (s) => s.hnsw.payloadM, check: isIntIn(0, 512), allowed: 'a whole number from 0 to 512' },
  { prop: 'optimizers.deletedThreshold', value: (s) => s.optimizers.deletedThreshold, check: isNumberIn(0, 1), allowed: 'a fraction from 0 to 1 (default 0.2)' },
  { prop: 'optimizers.vacuumMinVectorNumber', value: (s) => s.optimizers.vacuumMinVectorNumber, check: isIntAtLeast(100), allowed: 'a whole number, at least 100 (Qdrant minimum; default 1000)' },
  { prop: 'optimizers.defaultSegmentNumber', value: (s) => s.optimizers.defaultSegmentNumber, check: isNonNegativeInt, allowed: 'a whole number >= 0 (0 = from the CPU count)' },
  { prop: 'optimizers.maxSegmentSizeKb', when: (s) => s.optimizers.maxSegmentSizeKb !== undefined, value: (s) => s.optimizers.maxSegmentSizeKb, check: isIntAtLeast(1), allowed: 'a whole number of KB, at least 1' },
  { prop: 'optimizers.indexingThresholdKb', value: (s) => s.optimizers.indexingThresholdKb, check: isNonNegativeInt, allowed: 'a whole number of KB >= 0 (0 disables indexing; default 10000)' },
  { prop: 'optimizers.flushIntervalSec', value: (s) => s.optimizers.flushIntervalSec, check: isIntIn(1, 3600), allowed: 'a whole number of seconds from 1 to 3600 (default 5)' },
  {
    prop: 'optimizers.maxOptimizationThreads',
    when: (s) => s.optimizers.maxOptimizationThreads !== undefined,
    value: (s) => s.optimizers.maxOptimizationThreads,
    check: isIntIn(0, 1024),
    allowed: 'a whole number from 0 (optimizations off) to 1024',
  },
  { prop: 'quantization', when: (s) => !!s.quantization, value: (s) => s.quantization!.kind, check: isEnum(QdrantQuantizationKind), allowed: 'one of QdrantQuantization.scalar(), .product(), .binary()' },
  {
    prop: 'quantization.quantile',
    when: (s) => s.quantization?.kind === QdrantQuantizationKind.SCALAR && s.quantization.quantile !== undefined,
    value: (s) => s.quantization!.quantile,
    check: isNumberIn(0.5, 1),
    allowed: 'a number from 0.5 to 1 (e.g. 0.99 clamps the 1 % most extreme values)',
  },
  {
    prop: 'quantization.compression',
    when: (s) => s.quantization?.kind === QdrantQuantizationKind.PRODUCT,
    value: (s) => s.quantization!.compression,
    check: isEnum(ProductQuantizationCompression),
    allowed: enumValues(ProductQuantizationCompression),
  },
  {
    prop: 'quantization.encoding',
    when: (s) => s.quantization?.kind === QdrantQuantizationKind.BINARY && s.quantization.encoding !== undefined,
    value: (s) => s.quantization!.encoding,
    check: isEnum(BinaryQuantizationEncoding),
    allowed: enumValues(BinaryQuantizationEncoding),
  },
  {
    prop: 'collectionDefaults.replicationFactor',
    value: (s) => s.replicationFactor,
    check: (v, s) => Number.isInteger(v) && v >= 1 && v <= Math.max(1, s.replicas),
    allowed: (s) => `a whole number from 1 to the replica count (${s.replicas}): each copy of a shard lives on a different peer`,
  },
  {
    prop: 'collectionDefaults.writeConsistencyFactor',
    value: (s) => s.writeConsistencyFactor,
    check: (v, s) => Number.isInteger(v) && v >= 1 && v <= Math.max(1, s.replicationFactor),
    allowed: (s) => `a whole number from 1 to the replication factor (${s.replicationFactor})`,
  },
  { prop: 'apiKeySecret.secretName', when: (s) => !!s.apiKeySecret, value: (s) => s.apiKeySecret!.secretName, check: isDnsSubdomain, allowed: 'the name of an existing Secret (DNS subdomain)' },
  { prop: 'apiKeySecret.key', when: (s) => !!s.apiKeySecret, value: (s) => s.apiKeySecret!.key, check: isSecretKey, allowed: 'a Secret key of [-._a-zA-Z0-9]' },
  {
    prop: 'readOnlyApiKeySecret.secretName',
    when: (s) => !!s.readOnlyApiKeySecret,
    value: (s) => s.readOnlyApiKeySecret!.secretName,
    check: isDnsSubdomain,
    allowed: 'the name of an existing Secret (DNS subdomain)',
  },
  { prop: 'readOnlyApiKeySecret.key', when: (s) => !!s.readOnlyApiKeySecret, value: (s) => s.readOnlyApiKeySecret!.key, check: isSecretKey, allowed: 'a Secret key of [-._a-zA-Z0-9]' },
  {
    prop: 'readOnlyApiKeySecret',
    when: (s) => !!s.readOnlyApiKeySecret,
    value: (s) => s.readOnlyApiKeySecret,
    check: (_v, s) => !!s.apiKeySecret && !sameRef(s),
    allowed: 'only together with apiKeySecret, and a different Secret key (a read-only key alone would leave no way to write; the same key would grant admin rights)',
  },
  { prop: 'logLevel', value: (s) => s.logLevel, check: isEnum(QdrantLogLevel), allowed: enumValues(QdrantLogLevel) },
  { prop: 'antiAffinity', value: (s) => s.antiAffinity, check: isEnum(AntiAffinity), allowed: enumValues(AntiAffinity) },
  {
    prop: 'startupTimeoutSeconds',
    value: (s) => s.startupTimeoutSeconds,
    check: isIntIn(30, 86400),
    allowed: 'a whole number of seconds from 30 to 86400 (time to load collections before the kubelet restarts the peer)',
  },
  {
    prop: 'networkPolicy.allowFrom',
    when: (s) => !!s.networkPolicy,
    value: (s) => s.networkPolicy!.allowFrom,
    check: (v) => Array.isArray(v) && v.every(isNetworkPeer),
    allowed: NETWORK_PEER_ALLOWED,
  },
];

/** Validates resolved settings (throws with every failure) and records warnings. */
export function validateQdrant(scope: IConstruct, s: QdrantSettings): void {
  validate(scope, KIND, s, QDRANT_RULES);
  if (s.replicas >= 4 && s.replicas % 2 === 0) {
    warn(scope, `replicas: ${s.replicas} tolerates no more peer failures than ${s.replicas - 1} (a Raft majority of ${s.replicas} is ${s.replicas / 2 + 1}); prefer an odd count.`);
  }
  if (!/-unprivileged$/.test(s.image.split('@')[0].split(':').pop() ?? '')) {
    warn(scope, `image '${s.image}' is not an '-unprivileged' variant; the pod runs as uid 1000 with fsGroup ${1000} and no root init container, which the unprivileged image is built for.`);
  }
  if (s.hnsw.m === 0 && s.hnsw.payloadM === undefined) {
    warn(scope, 'hnswIndex.m is 0 and payloadM is unset: new collections build no HNSW graph, so every search is a full scan.');
  }
  if (s.optimizers.indexingThresholdKb === 0) {
    warn(scope, 'optimizers.indexingThresholdKb is 0: indexing is disabled for new collections, so every search is a full scan.');
  }
  if (s.clusterEnabled && s.replicationFactor === 1 && s.replicas >= 3) {
    warn(scope, `collectionDefaults.replicationFactor is 1 with ${s.replicas} peers: a restarting peer takes its shards offline (rolling updates and node drains cause errors).`);
  }
}
