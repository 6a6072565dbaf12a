import { IMAGES, imageRef } from '../common/images';
import { NetworkPeer } from '../common/network-policy';
import { DEFAULT_CLUSTER_DOMAIN } from '../common/naming';
import { isQuantity, parseBytes, parseMillicores } from '../common/quantity';
import { AntiAffinity } from '../common/scheduling';
import { SecretKeyReference } from '../common/secret-ref';
import {
  BinaryQuantizationEncoding,
  ProductQuantizationCompression,
  QdrantLogLevel,
  QdrantProps,
  QdrantQuantizationKind,
} from './props';

/** HNSW defaults, as in Qdrant's own config.yaml (v1.19). */
export const HNSW_DEFAULTS = { m: 16, efConstruct: 100, fullScanThresholdKb: 10000, maxIndexingThreads: 0, onDisk: false } as const;
/** Optimizer defaults, as in Qdrant's own config.yaml (v1.19). */
export const OPTIMIZER_DEFAULTS = {
  deletedThreshold: 0.2,
  vacuumMinVectorNumber: 1000,
  defaultSegmentNumber: 0,
  indexingThresholdKb: 10000,
  flushIntervalSec: 5,
} as const;

/** Resolved quantization (plain data). */
export interface QdrantQuantizationSettings {
  readonly kind: QdrantQuantizationKind;
  readonly alwaysRam?: boolean;
  readonly quantile?: number;
  readonly compression?: ProductQuantizationCompression;
  readonly encoding?: BinaryQuantizationEncoding;
}

/** Everything the model and the emitter need, with every default applied. Pure data. */
export interface QdrantSettings {
  readonly name: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly replicas: number;
  readonly clusterEnabled: boolean;
  readonly clusterSeedOrdinal: number;
  readonly image: string;
  readonly cpu: string;
  readonly memory: string;
  /** Parsed cpu (NaN when malformed; validation reports it). */
  readonly millicores: number;
  /** Parsed memory in bytes (NaN when malformed). */
  readonly memoryBytes: number;
  readonly storageSize: string;
  readonly storageClassName?: string;
  readonly snapshotsSize?: string;
  readonly snapshotsStorageClassName?: string;
  readonly hnsw: {
    readonly m: number;
    readonly efConstruct: number;
    readonly fullScanThresholdKb: number;
    readonly maxIndexingThreads: number;
    readonly onDisk: boolean;
    readonly payloadM?: number;
  };
  readonly optimizers: {
    readonly deletedThreshold: number;
    readonly vacuumMinVectorNumber: number;
    readonly defaultSegmentNumber: number;
    readonly maxSegmentSizeKb?: number;
    readonly indexingThresholdKb: number;
    readonly flushIntervalSec: number;
    readonly maxOptimizationThreads?: number;
  };
  readonly quantization?: QdrantQuantizationSettings;
  readonly replicationFactor: number;
  readonly writeConsistencyFactor: number;
  readonly vectorsOnDisk?: boolean;
  readonly apiKeySecret?: SecretKeyReference;
  readonly readOnlyApiKeySecret?: SecretKeyReference;
  readonly telemetry: boolean;
  readonly logLevel: QdrantLogLevel;
  readonly antiAffinity: AntiAffinity;
  readonly startupTimeoutSeconds: number;
  /** Undefined when no NetworkPolicy was asked for in the props (`allowFrom()` can still add one). */
  readonly networkPolicy?: { readonly allowFrom: NetworkPeer[] };
  readonly serviceMonitor: boolean;
}

function parseOr(f: (q: string) => number, q: string): number {
  try {
    return isQuantity(q) ? f(q) : NaN;
  } catch {
    return NaN;
  }
}

/** The default replication factor for new collections: 2 once there are 3 peers (a rolling restart keeps every shard up). */
export function defaultReplicationFactor(replicas: number): number {
  return replicas >= 3 ? 2 : 1;
}

/** Applies every default to the user's props. */
export function resolveQdrant(id: string, namespace: string, props: QdrantProps): QdrantSettings {
  const replicas = props.replicas ?? 1;
  const cpu = props.resources?.cpu ?? '500m';
  const memory = props.resources?.memory ?? '1Gi';
  const h = props.hnswIndex ?? {};
  const o = props.optimizers ?? {};
  const c = props.collectionDefaults ?? {};
  const q = props.quantization;
  const copyRef = (r?: SecretKeyReference) => (r ? { secretName: r.secretName, key: r.key } : undefined);
  return {
    name: props.name ?? id,
    namespace,
    clusterDomain: props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    replicas,
    clusterEnabled: props.clusterEnabled ?? replicas > 1,
    clusterSeedOrdinal: props.clusterSeedOrdinal ?? 0,
    image: props.image ?? imageRef(IMAGES.qdrant),
    cpu,
    memory,
    millicores: parseOr(parseMillicores, cpu),
    memoryBytes: parseOr(parseBytes, memory),
    storageSize: props.storage?.size ?? '1Gi',
    storageClassName: props.storage?.storageClassName,
    snapshotsSize: props.storage?.snapshotsSize,
    snapshotsStorageClassName: props.storage?.snapshotsStorageClassName ?? (props.storage?.snapshotsSize ? props.storage?.storageClassName : undefined),
    hnsw: {
      m: h.m ?? HNSW_DEFAULTS.m,
      efConstruct: h.efConstruct ?? HNSW_DEFAULTS.efConstruct,
      fullScanThresholdKb: h.fullScanThresholdKb ?? HNSW_DEFAULTS.fullScanThresholdKb,
      maxIndexingThreads: h.maxIndexingThreads ?? HNSW_DEFAULTS.maxIndexingThreads,
      onDisk: h.onDisk ?? HNSW_DEFAULTS.onDisk,
      payloadM: h.payloadM,
    },
    optimizers: {
      deletedThreshold: o.deletedThreshold ?? OPTIMIZER_DEFAULTS.deletedThreshold,
      vacuumMinVectorNumber: o.vacuumMinVectorNumber ?? OPTIMIZER_DEFAULTS.vacuumMinVectorNumber,
      defaultSegmentNumber: o.defaultSegmentNumber ?? OPTIMIZER_DEFAULTS.defaultSegmentNumber,
      maxSegmentSizeKb: o.maxSegmentSizeKb,
      indexingThresholdKb: o.indexingThresholdKb ?? OPTIMIZER_DEFAULTS.indexingThresholdKb,
      flushIntervalSec: o.flushIntervalSec ?? OPTIMIZER_DEFAULTS.flushIntervalSec,
      maxOptimizationThreads: o.maxOptimizationThreads,
    },
    quantization: q
      ? { kind: q.kind, alwaysRam: q.alwaysRam, quantile: q.quantile, compression: q.compression, encoding: q.encoding }
      : undefined,
    replicationFactor: c.replicationFactor ?? defaultReplicationFactor(replicas),
    writeConsistencyFactor: c.writeConsistencyFactor ?? 1,
    vectorsOnDisk: c.vectorsOnDisk,
    apiKeySecret: copyRef(props.apiKeySecret),
    readOnlyApiKeySecret: copyRef(props.readOnlyApiKeySecret),
    telemetry: props.telemetry ?? false,
    logLevel: props.logLevel ?? QdrantLogLevel.INFO,
    antiAffinity: props.antiAffinity ?? AntiAffinity.SOFT,
    startupTimeoutSeconds: props.startupTimeoutSeconds ?? 600,
    networkPolicy: props.networkPolicy ? { allowFrom: [...(props.networkPolicy.allowFrom ?? [])] } : undefined,
    serviceMonitor: props.serviceMonitor ?? false,
  };
}
