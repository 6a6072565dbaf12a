import { NetworkPeer } from '../common/network-policy';
import { AntiAffinity } from '../common/scheduling';
import { SecretKeyReference } from '../common/secret-ref';

/** CPU and memory of each Qdrant container. */
export interface QdrantResources {
  /** CPU request, as a Kubernetes quantity (`500m`, `2`). No CPU limit is set (throttling stalls indexing and consensus ticks). @default '500m' */
  readonly cpu?: string;
  /**
   * Memory request and limit (equal, so mmap-heavy Qdrant is not OOM-killed for using what it was promised).
   * Size it for the HNSW graphs and vectors you keep in RAM; see `hnswIndex` and `quantization`.
   * @default '1Gi'
   */
  readonly memory?: string;
}

/** The volumes of each Qdrant peer. */
export interface QdrantStorage {
  /** Size of each peer's data claim (`qdrant-storage-<name>-<ordinal>`). @default '1Gi' */
  readonly size?: string;
  /** StorageClass of the data claims. Use block storage: NFS and other network file systems corrupt Qdrant's storage. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Size of a second claim per peer for `/qdrant/snapshots` (`qdrant-snapshots-<name>-<ordinal>`). Without it,
   * snapshots live on an emptyDir and are lost when the pod moves; a full snapshot needs about as much space as
   * the data. Volume claim templates cannot be changed later, so decide before the first deploy.
   * @default - snapshots on an emptyDir (lost on reschedule)
   */
  readonly snapshotsSize?: string;
  /** StorageClass of the snapshot claims. @default - the same as storageClassName */
  readonly snapshotsStorageClassName?: string;
}

/**
 * Default HNSW index parameters for new collections (`storage.hnsw_index` in Qdrant's config; collections and
 * named vectors can override them when created).
 *
 * Trade-offs: `m` (edges per node) buys recall with memory (the graph costs roughly `m * 2 * 4` bytes per vector
 * on its base layer) and build time; `efConstruct` (candidates considered while building) buys recall with build
 * time only, and is also the search-time `ef` when a query gives none. Raise `efConstruct` first; raise `m` for
 * high-dimensional data or when recall stays low.
 */
export interface QdrantHnswIndex {
  /**
   * Edges per node in the graph. Higher: better recall, more memory, slower builds. 0 disables the global
   * graph (for multitenancy with `payloadM`; searches without a tenant filter become full scans).
   * @default 16
   */
  readonly m?: number;
  /** Neighbours considered while building (at least 4). Higher: better recall, slower builds, no extra memory. @default 100 */
  readonly efConstruct?: number;
  /** Below this estimated size of matching vectors (KB; 1 KB is about one 256-dimension vector) the planner does a full scan instead of using the graph. At least 10. @default 10000 */
  readonly fullScanThresholdKb?: number;
  /** Threads per index build; 0 lets Qdrant choose (8-16, fewer on small CPUs). @default 0 */
  readonly maxIndexingThreads?: number;
  /** Keep the graph on disk (memory-mapped) instead of RAM: less memory, slower searches unless the page cache holds it. @default false */
  readonly onDisk?: boolean;
  /** `m` of the payload-aware graph built for indexed payload fields (multitenancy). @default - the same as m */
  readonly payloadM?: number;
}

/** Default optimizer settings for new collections (`storage.optimizers`). */
export interface QdrantOptimizers {
  /** Fraction of deleted vectors in a segment (0-1) that triggers a vacuum. @default 0.2 */
  readonly deletedThreshold?: number;
  /** Minimum vectors in a segment before it is vacuumed (at least 100). @default 1000 */
  readonly vacuumMinVectorNumber?: number;
  /** Target segment count; 0 picks it from the CPU count. @default 0 */
  readonly defaultSegmentNumber?: number;
  /** Largest segment (KB); smaller segments index faster, larger ones search faster. @default - chosen from the CPU count */
  readonly maxSegmentSizeKb?: number;
  /** Segments larger than this (KB) get an HNSW index; 0 disables indexing (every search is a full scan). @default 10000 */
  readonly indexingThresholdKb?: number;
  /** Seconds between forced flushes (at least 1). @default 5 */
  readonly flushIntervalSec?: number;
  /** Optimization jobs per shard; 0 disables optimizations. @default - no limit (saturate the CPU) */
  readonly maxOptimizationThreads?: number;
}

/** Compression ratio of product quantization. */
export enum ProductQuantizationCompression {
  X4 = 'x4',
  X8 = 'x8',
  X16 = 'x16',
  X32 = 'x32',
  X64 = 'x64',
}

/** Bits per dimension of binary quantization. */
export enum BinaryQuantizationEncoding {
  ONE_BIT = 'one_bit',
  ONE_AND_HALF_BITS = 'one_and_half_bits',
  TWO_BITS = 'two_bits',
}

/** Kind of a {@link QdrantQuantization}. */
export enum QdrantQuantizationKind {
  SCALAR = 'scalar',
  PRODUCT = 'product',
  BINARY = 'binary',
}

/** Options of scalar (int8) quantization. */
export interface ScalarQuantizationOptions {
  /** Quantile (0.5-1) of values used to compute the int8 range; outliers beyond it are clamped. @default - the whole range */
  readonly quantile?: number;
  /** Keep the quantized vectors in RAM even when the originals are on disk. @default false */
  readonly alwaysRam?: boolean;
}

/** Options of product quantization. */
export interface ProductQuantizationOptions {
  /** How many times smaller the quantized vectors are. */
  readonly compression: ProductQuantizationCompression;
  /** Keep the quantized vectors in RAM even when the originals are on disk. @default false */
  readonly alwaysRam?: boolean;
}

/** Options of binary quantization. */
export interface BinaryQuantizationOptions {
  /** Bits per dimension. @default BinaryQuantizationEncoding.ONE_BIT */
  readonly encoding?: BinaryQuantizationEncoding;
  /** Keep the quantized vectors in RAM even when the originals are on disk. @default false */
  readonly alwaysRam?: boolean;
}

/**
 * Default quantization of new collections (`storage.collection.quantization`): exactly one kind, chosen with a
 * factory. Scalar is 4x smaller with little recall loss; product is up to 64x smaller and slower; binary is 32x
 * smaller and fastest, for high-dimensional embeddings (>= 1024) from models that tolerate it.
 */
export class QdrantQuantization {
  /** int8 scalar quantization. */
  public static scalar(options: ScalarQuantizationOptions = {}): QdrantQuantization {
    return new QdrantQuantization(QdrantQuantizationKind.SCALAR, options.alwaysRam, options.quantile, undefined, undefined);
  }

  /** Product quantization. */
  public static product(options: ProductQuantizationOptions): QdrantQuantization {
    return new QdrantQuantization(QdrantQuantizationKind.PRODUCT, options.alwaysRam, undefined, options.compression, undefined);
  }

  /** Binary quantization. */
  public static binary(options: BinaryQuantizationOptions = {}): QdrantQuantization {
    return new QdrantQuantization(QdrantQuantizationKind.BINARY, options.alwaysRam, undefined, undefined, options.encoding);
  }

  private constructor(
    /** The kind. */
    public readonly kind: QdrantQuantizationKind,
    /** Keep quantized vectors in RAM. */
    public readonly alwaysRam?: boolean,
    /** Scalar: quantile. */
    public readonly quantile?: number,
    /** Product: compression. */
    public readonly compression?: ProductQuantizationCompression,
    /** Binary: encoding. */
    public readonly encoding?: BinaryQuantizationEncoding,
  ) {}
}

/** Defaults for new collections (`storage.collection`). */
export interface QdrantCollectionDefaults {
  /**
   * Copies of each shard. With 2 or more, one peer can restart (rolling update, node drain) without taking
   * shards offline. At most the replica count.
   * @default - 2 with 3 or more replicas, else 1
   */
  readonly replicationFactor?: number;
  /** Copies that must apply a write before it is acknowledged (1 to replicationFactor). @default 1 */
  readonly writeConsistencyFactor?: number;
  /** Store vectors on disk (memory-mapped) instead of RAM. @default - in RAM (Qdrant's default) */
  readonly vectorsOnDisk?: boolean;
}

/** Who may reach Qdrant when the NetworkPolicy is on. */
export interface QdrantNetworkPolicy {
  /**
   * Pods admitted on the HTTP (6333) and gRPC (6334) ports. The peers of this Qdrant are always admitted to
   * each other; nothing else is. `kubectl port-forward` is not affected by NetworkPolicies.
   * @default - only the peers (add clients later with `allowFrom`)
   */
  readonly allowFrom?: NetworkPeer[];
}

/** Qdrant's log level. */
export enum QdrantLogLevel {
  ERROR = 'ERROR',
  WARN = 'WARN',
  INFO = 'INFO',
  DEBUG = 'DEBUG',
  TRACE = 'TRACE',
}

/** Props of {@link Qdrant}. */
export interface QdrantProps {
  /** Name of the StatefulSet and client Service (the headless Service is `<name>-headless`). @default - the construct id */
  readonly name?: string;
  /** Namespace. @default - the chart's namespace */
  readonly namespace?: string;
  /**
   * Peer count. 1 runs a single node; 3 or more run a cluster (Raft consensus, a PDB, anti-affinity). 2 is
   * rejected: two peers cannot keep a Raft majority when one is down. Odd counts are best.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Run in distributed (cluster) mode. Required with more than one replica; set it with 1 replica to scale out
   * later without converting single-node storage.
   * @default - true when replicas > 1
   */
  readonly clusterEnabled?: boolean;
  /**
   * Ordinal of the peer that starts a new cluster; the others bootstrap from it. Only matters for peers without
   * stored Raft state: to let a peer that lost its volume rejoin, point this at a healthy peer.
   * @default 0
   */
  readonly clusterSeedOrdinal?: number;
  /** Image. The security context assumes the `-unprivileged` variant (uid 1000). @default - IMAGES.qdrant from lib/common/images.ts */
  readonly image?: string;
  /** CPU and memory per peer. @default - 500m CPU request, 1Gi memory (request = limit) */
  readonly resources?: QdrantResources;
  /** Volumes. @default - 1Gi data claim on the default StorageClass, snapshots on an emptyDir */
  readonly storage?: QdrantStorage;
  /** Default HNSW parameters for new collections. @default - Qdrant's: m 16, efConstruct 100, fullScanThresholdKb 10000 */
  readonly hnswIndex?: QdrantHnswIndex;
  /** Default optimizer settings for new collections. @default - Qdrant's */
  readonly optimizers?: QdrantOptimizers;
  /** Default quantization for new collections. @default - none */
  readonly quantization?: QdrantQuantization;
  /** Defaults for new collections: replication, write consistency, vectors on disk. @default - see QdrantCollectionDefaults */
  readonly collectionDefaults?: QdrantCollectionDefaults;
  /**
   * The admin API key, from an existing Secret (create it with
   * `kubectl create secret generic qdrant-keys --from-literal=api-key=...`). Passed as QDRANT__SERVICE__API_KEY
   * through secretKeyRef; never written into a ConfigMap, never generated. Probes need no key.
   * @default - no API key: anyone who reaches port 6333/6334 has full access
   */
  readonly apiKeySecret?: SecretKeyReference;
  /** The read-only API key (needs apiKeySecret). Passed as QDRANT__SERVICE__READ_ONLY_API_KEY. @default - none */
  readonly readOnlyApiKeySecret?: SecretKeyReference;
  /** Send anonymous usage telemetry to Qdrant's developers. @default false */
  readonly telemetry?: boolean;
  /** Log level. @default QdrantLogLevel.INFO */
  readonly logLevel?: QdrantLogLevel;
  /** Keep peers on different nodes (only with more than one replica). @default AntiAffinity.SOFT */
  readonly antiAffinity?: AntiAffinity;
  /**
   * How long a peer may take to start answering `/livez` (loading large collections) before the kubelet
   * restarts it. 30 to 86400.
   * @default 600
   */
  readonly startupTimeoutSeconds?: number;
  /** A NetworkPolicy admitting only the peers and the pods you name (more with `allowFrom`). @default - no NetworkPolicy */
  readonly networkPolicy?: QdrantNetworkPolicy;
  /** Emit a ServiceMonitor for `/metrics` (needs the Prometheus operator CRDs; uses the read-only key when set). @default false */
  readonly serviceMonitor?: boolean;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** Options of {@link IQdrant.connectionEnv}. */
export interface QdrantConnectionEnvOptions {
  /** Use the read-only API key (needs readOnlyApiKeySecret on the Qdrant). @default false */
  readonly readOnly?: boolean;
  /** Name of the URL variable. @default 'QDRANT_URL' */
  readonly urlVariable?: string;
  /** Name of the API key variable (only emitted when the Qdrant has a key). @default 'QDRANT_API_KEY' */
  readonly apiKeyVariable?: string;
}
