import {
  KafkaNodePoolSpec,
  KafkaNodePoolSpecResources,
  KafkaNodePoolSpecResourcesLimits,
  KafkaNodePoolSpecResourcesRequests,
  KafkaNodePoolSpecRoles,
  KafkaNodePoolSpecStorage,
  KafkaNodePoolSpecStorageType,
  KafkaNodePoolSpecStorageVolumes,
  KafkaNodePoolSpecStorageVolumesKraftMetadata,
  KafkaNodePoolSpecStorageVolumesType,
} from '../../imports/kafka.strimzi.io';
import { isQuantity, parseBytes, parseMillicores } from '../common/quantity';
import { AntiAffinity, spreadAffinity } from '../common/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/security';
import { isDnsLabel, isNonNegativeInt, ValidationRule } from '../common/validation';
import { STRIMZI_CLUSTER_LABEL } from './names';

/** KRaft roles of a node pool. */
export enum StrimziNodeRole {
  /** KRaft controller (metadata quorum). */
  CONTROLLER = 'controller',
  /** Broker (serves clients, holds partitions). */
  BROKER = 'broker',
}

/** Storage of a node pool. Cannot be changed once the pool exists. */
export enum StrimziStorageType {
  /** One PersistentVolumeClaim per node. */
  PERSISTENT_CLAIM = 'persistent-claim',
  /** Several volumes per node (JBOD); one of them holds the KRaft metadata log. */
  JBOD = 'jbod',
  /** emptyDir: data is lost when a pod goes. For throwaway clusters only. */
  EPHEMERAL = 'ephemeral',
}

/** Type of one JBOD volume. */
export enum StrimziVolumeType {
  PERSISTENT_CLAIM = 'persistent-claim',
  EPHEMERAL = 'ephemeral',
}

/** One JBOD volume. */
export interface StrimziVolume {
  /** Volume ID, unique in the pool (mounted as `/var/lib/kafka/data-<id>`). */
  readonly id: number;
  /** Volume type. @default StrimziVolumeType.PERSISTENT_CLAIM */
  readonly type?: StrimziVolumeType;
  /** Claim size, e.g. `100Gi` (persistent-claim volumes: required). @default - none */
  readonly size?: string;
  /** emptyDir size limit (ephemeral volumes). @default - no limit */
  readonly sizeLimit?: string;
  /** StorageClass of the claim. @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Delete the claim when the node is removed. @default false */
  readonly deleteClaim?: boolean;
  /** This volume holds the KRaft metadata log (at most one volume per pool). @default false */
  readonly kraftMetadata?: boolean;
}

/** Storage of a node pool. */
export interface StrimziStorage {
  /** Storage type. */
  readonly type: StrimziStorageType;
  /** Claim size (persistent-claim: required). @default - none */
  readonly size?: string;
  /** emptyDir size limit (ephemeral). @default - no limit */
  readonly sizeLimit?: string;
  /** StorageClass (persistent-claim). @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Delete claims when nodes are removed (persistent-claim). @default false */
  readonly deleteClaim?: boolean;
  /** JBOD volumes (jbod: required). @default - none */
  readonly volumes?: StrimziVolume[];
}

/** Compute resources of every node in a pool. */
export interface StrimziResources {
  /** CPU request, e.g. `500m`. @default - none */
  readonly cpuRequest?: string;
  /** CPU limit. @default - none (a CPU limit throttles the JVM; leave it unset unless required) */
  readonly cpuLimit?: string;
  /** Memory request, e.g. `2Gi`. @default - none */
  readonly memoryRequest?: string;
  /** Memory limit; Strimzi sizes the JVM heap from it. @default - none */
  readonly memoryLimit?: string;
}

/** One KafkaNodePool. */
export interface StrimziNodePoolProps {
  /** Pool name (DNS label); pods are `<cluster>-<pool>-<nodeId>`. Unique in the namespace. */
  readonly name: string;
  /** Number of nodes. */
  readonly replicas: number;
  /** Roles of every node in the pool. */
  readonly roles: StrimziNodeRole[];
  /** Storage (cannot be changed later). */
  readonly storage: StrimziStorage;
  /** Compute resources. @default - none */
  readonly resources?: StrimziResources;
  /**
   * First node ID of the pool. The pool takes its node IDs from `[firstNodeId, firstNodeId + 99]` through the
   * `strimzi.io/next-node-ids` annotation, so node IDs (and the per-broker node ports keyed by them) are known at
   * synth time.
   * @default - 100 times the pool's position in `nodePools` (0, 100, 200, ...)
   */
  readonly firstNodeId?: number;
  /** How strictly the pool's nodes avoid sharing a Kubernetes node. @default - the profile's (lab: soft, production: hard) */
  readonly antiAffinity?: AntiAffinity;
}

/** Size of the node-ID range a pool owns. */
export const NODE_ID_RANGE_SIZE = 100;

/** A pool with every default applied. */
export interface ResolvedNodePool {
  readonly name: string;
  readonly replicas: number;
  readonly roles: StrimziNodeRole[];
  readonly storage: StrimziStorage;
  readonly resources?: StrimziResources;
  readonly firstNodeId: number;
  readonly antiAffinity: AntiAffinity;
}

/** Applies pool defaults (`index` is the pool's position, used for the default node-ID range). */
export function resolveNodePool(p: StrimziNodePoolProps, index: number, defaultAntiAffinity: AntiAffinity): ResolvedNodePool {
  return {
    name: p.name,
    replicas: p.replicas,
    roles: [...(p.roles ?? [])],
    storage: p.storage,
    resources: p.resources,
    firstNodeId: p.firstNodeId ?? index * NODE_ID_RANGE_SIZE,
    antiAffinity: p.antiAffinity ?? defaultAntiAffinity,
  };
}

/** Node IDs the operator will assign to a new pool (its range, lowest first). */
export function poolNodeIds(p: ResolvedNodePool): number[] {
  return Array.from({ length: Math.max(0, p.replicas) }, (_, i) => p.firstNodeId + i);
}

/** The `strimzi.io/next-node-ids` value of a pool, e.g. `[0-99]`. */
export function nodeIdRange(p: ResolvedNodePool): string {
  return `[${p.firstNodeId}-${p.firstNodeId + NODE_ID_RANGE_SIZE - 1}]`;
}

/** Node IDs of broker-role nodes across pools, ascending. */
export function brokerNodeIdsOf(pools: ReadonlyArray<ResolvedNodePool>): number[] {
  return pools.filter((p) => p.roles.includes(StrimziNodeRole.BROKER)).flatMap(poolNodeIds).sort((a, b) => a - b);
}

/** Number of nodes with a role. */
export function roleCount(pools: ReadonlyArray<ResolvedNodePool>, role: StrimziNodeRole): number {
  return pools.filter((p) => p.roles.includes(role)).reduce((n, p) => n + (Number.isInteger(p.replicas) ? p.replicas : 0), 0);
}

/** JBOD volumes marked for the KRaft metadata log. */
export function kraftMetadataVolumes(s: StrimziStorage): StrimziVolume[] {
  return (s.volumes ?? []).filter((v) => v.kraftMetadata);
}

const duplicates = <V>(xs: ReadonlyArray<V>): V[] => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];

/** What the pool rules need to know. */
export interface NodePoolRuleContext {
  readonly clusterName: string;
  readonly nodePools: ReadonlyArray<ResolvedNodePool>;
}

/** Longest Kubernetes object name Strimzi can derive from a pool (pod names become host names: 63 characters). */
export const MAX_DERIVED_NAME = 63;

/** The node-pool rule table, expanded per pool. */
export function nodePoolRules<S extends NodePoolRuleContext>(s: S): ValidationRule<S>[] {
  const rules: ValidationRule<S>[] = [
    { prop: 'nodePools', value: (x) => x.nodePools.length, check: (n) => n >= 1, allowed: 'at least one node pool' },
    {
      prop: 'nodePools[].name',
      value: (x) => duplicates(x.nodePools.map((p) => p.name)),
      check: (d) => d.length === 0,
      allowed: 'unique pool names (these names are used more than once)',
    },
    {
      prop: 'nodePools[].roles',
      value: (x) => roleCount(x.nodePools, StrimziNodeRole.CONTROLLER),
      check: (n) => n >= 1,
      allowed: 'at least one node with the controller role (a pool with roles [controller] or [controller, broker] and replicas >= 1); the value is the controller count',
    },
    {
      prop: 'nodePools[].roles',
      value: (x) => roleCount(x.nodePools, StrimziNodeRole.BROKER),
      check: (n) => n >= 1,
      allowed: 'at least one node with the broker role (a pool with roles [broker] or [controller, broker] and replicas >= 1); the value is the broker count',
    },
    {
      prop: 'nodePools[].firstNodeId',
      value: (x) => overlappingRanges(x.nodePools),
      check: (o) => o.length === 0,
      allowed: `node-ID ranges [firstNodeId, firstNodeId+${NODE_ID_RANGE_SIZE - 1}] that do not overlap (the value lists overlapping pools)`,
    },
  ];
  s.nodePools.forEach((pool, i) => {
    const p = `nodePools[${i}]`;
    const at = (x: S) => x.nodePools[i];
    rules.push(
      { prop: `${p}.name`, value: (x) => at(x).name, check: isDnsLabel, allowed: 'a DNS label (lowercase letters, digits and -, at most 63 characters)' },
      {
        prop: `${p}.name`,
        value: (x) => `${x.clusterName}-${at(x).name}-${at(x).firstNodeId + NODE_ID_RANGE_SIZE - 1}`,
        check: (v) => v.length <= MAX_DERIVED_NAME,
        allowed: `cluster and pool names short enough that pod names <cluster>-<pool>-<nodeId> stay within ${MAX_DERIVED_NAME} characters`,
      },
      {
        prop: `${p}.replicas`,
        value: (x) => at(x).replicas,
        check: (v) => isNonNegativeInt(v) && v <= NODE_ID_RANGE_SIZE,
        allowed: `a whole number from 0 to ${NODE_ID_RANGE_SIZE}`,
      },
      {
        prop: `${p}.roles`,
        value: (x) => at(x).roles,
        check: (v) => Array.isArray(v) && v.length >= 1 && new Set(v).size === v.length && v.every((r: unknown) => Object.values(StrimziNodeRole).includes(r as StrimziNodeRole)),
        allowed: 'one or both of controller, broker, each at most once',
      },
      { prop: `${p}.firstNodeId`, value: (x) => at(x).firstNodeId, check: isNonNegativeInt, allowed: 'a whole number >= 0' },
      ...storageRules<S>(p, (x) => at(x).storage, pool.storage),
      ...resourceRules<S>(p, (x) => at(x).resources, pool.resources),
    );
  });
  return rules;
}

function overlappingRanges(pools: ReadonlyArray<ResolvedNodePool>): string[] {
  const out: string[] = [];
  pools.forEach((a, i) =>
    pools.slice(i + 1).forEach((b) => {
      if (a.firstNodeId < b.firstNodeId + NODE_ID_RANGE_SIZE && b.firstNodeId < a.firstNodeId + NODE_ID_RANGE_SIZE) out.push(`${a.name}/${b.name}`);
    }),
  );
  return out;
}

function storageRules<S>(p: string, read: (x: S) => StrimziStorage, storage: StrimziStorage): ValidationRule<S>[] {
  const rules: ValidationRule<S>[] = [
    {
      prop: `${p}.storage.type`,
      value: (x) => read(x)?.type,
      check: (v) => Object.values(StrimziStorageType).includes(v),
      allowed: Object.values(StrimziStorageType).join(', '),
    },
  ];
  if (!storage) return rules;
  if (storage.type === StrimziStorageType.PERSISTENT_CLAIM) {
    rules.push({ prop: `${p}.storage.size`, value: (x) => read(x).size, check: isByteQuantity, allowed: 'a storage quantity such as 100Gi (required for persistent-claim)' });
  }
  if (storage.type === StrimziStorageType.EPHEMERAL && storage.sizeLimit !== undefined) {
    rules.push({ prop: `${p}.storage.sizeLimit`, value: (x) => read(x).sizeLimit, check: isByteQuantity, allowed: 'a storage quantity such as 10Gi' });
  }
  if (storage.type === StrimziStorageType.JBOD) {
    rules.push(
      { prop: `${p}.storage.volumes`, value: (x) => (read(x).volumes ?? []).length, check: (n) => n >= 1, allowed: 'at least one volume for jbod storage' },
      {
        prop: `${p}.storage.volumes[].id`,
        value: (x) => duplicates((read(x).volumes ?? []).map((v) => v.id)),
        check: (d) => d.length === 0,
        allowed: 'unique volume IDs (these IDs are used more than once)',
      },
      {
        prop: `${p}.storage.volumes[].kraftMetadata`,
        value: (x) => kraftMetadataVolumes(read(x)).map((v) => v.id),
        check: (ids) => ids.length <= 1,
        allowed: 'at most one volume with kraftMetadata: true (the value lists the marked volume IDs)',
      },
    );
    (storage.volumes ?? []).forEach((vol, j) => {
      const vp = `${p}.storage.volumes[${j}]`;
      const v = (x: S) => (read(x).volumes ?? [])[j];
      rules.push({ prop: `${vp}.id`, value: (x) => v(x).id, check: isNonNegativeInt, allowed: 'a whole number >= 0' });
      if ((vol.type ?? StrimziVolumeType.PERSISTENT_CLAIM) === StrimziVolumeType.PERSISTENT_CLAIM) {
        rules.push({ prop: `${vp}.size`, value: (x) => v(x).size, check: isByteQuantity, allowed: 'a storage quantity such as 100Gi (required for persistent-claim volumes)' });
      } else if (vol.sizeLimit !== undefined) {
        rules.push({ prop: `${vp}.sizeLimit`, value: (x) => v(x).sizeLimit, check: isByteQuantity, allowed: 'a storage quantity such as 10Gi' });
      }
    });
  } else {
    rules.push({
      prop: `${p}.storage.volumes`,
      value: (x) => read(x).volumes,
      check: (v) => v === undefined,
      allowed: `no volumes unless storage.type is jbod (it is '${storage.type}')`,
    });
  }
  return rules;
}

const isByteQuantity = (v: unknown): boolean => {
  if (typeof v !== 'string' || !isQuantity(v)) return false;
  try {
    return parseBytes(v) > 0;
  } catch {
    return false;
  }
};
const isCpuQuantity = (v: unknown): boolean => {
  if (typeof v !== 'string' || !isQuantity(v)) return false;
  try {
    return parseMillicores(v) > 0;
  } catch {
    return false;
  }
};

function resourceRules<S>(p: string, read: (x: S) => StrimziResources | undefined, r: StrimziResources | undefined): ValidationRule<S>[] {
  if (!r) return [];
  const rules: ValidationRule<S>[] = [];
  const one = (key: keyof StrimziResources, check: (v: unknown) => boolean, allowed: string) => {
    if (r[key] !== undefined) rules.push({ prop: `${p}.resources.${key}`, value: (x) => read(x)?.[key], check, allowed });
  };
  one('cpuRequest', isCpuQuantity, 'a CPU quantity such as 500m or 2');
  one('cpuLimit', isCpuQuantity, 'a CPU quantity such as 500m or 2');
  one('memoryRequest', isByteQuantity, 'a memory quantity such as 2Gi');
  one('memoryLimit', isByteQuantity, 'a memory quantity such as 2Gi');
  if (r.memoryRequest !== undefined && r.memoryLimit !== undefined) {
    rules.push({
      prop: `${p}.resources.memoryRequest`,
      value: (x) => read(x)?.memoryRequest,
      check: (v) => !isByteQuantity(v) || !isByteQuantity(r.memoryLimit) || parseBytes(v) <= parseBytes(r.memoryLimit!),
      allowed: `at most memoryLimit (${r.memoryLimit})`,
    });
  }
  if (r.cpuRequest !== undefined && r.cpuLimit !== undefined) {
    rules.push({
      prop: `${p}.resources.cpuRequest`,
      value: (x) => read(x)?.cpuRequest,
      check: (v) => !isCpuQuantity(v) || !isCpuQuantity(r.cpuLimit) || parseMillicores(v) <= parseMillicores(r.cpuLimit!),
      allowed: `at most cpuLimit (${r.cpuLimit})`,
    });
  }
  return rules;
}

/** Pod and container security: PodSecurity `restricted`, uid 1001 and gid 0 as the Strimzi images expect. */
export const STRIMZI_UID = 1001;
/** Strimzi images keep their writable paths group-0 owned (OpenShift arbitrary-uid convention). */
export const STRIMZI_GID = 0;

/** Pod securityContext for Strimzi-managed pods (what Strimzi's RestrictedPodSecurityProvider sets, with explicit ids). */
export function strimziPodSecurityContext() {
  return restrictedPodSecurityContext({ runAsUser: STRIMZI_UID, runAsGroup: STRIMZI_GID, fsGroup: STRIMZI_GID });
}

/**
 * Container securityContext for Strimzi-managed containers. The root filesystem stays writable: PodSecurity
 * `restricted` does not require a read-only one, and Strimzi's own restricted provider does not set it.
 */
export function strimziContainerSecurityContext() {
  return restrictedContainerSecurityContext({ runAsUser: STRIMZI_UID, runAsGroup: STRIMZI_GID, readOnlyRootFilesystem: false });
}

/** Labels that select the pods of one pool (set by the operator on every pod it creates). */
export function poolPodSelector(clusterName: string, pool: string): { [key: string]: string } {
  return { [STRIMZI_CLUSTER_LABEL]: clusterName, 'strimzi.io/pool-name': pool };
}

function renderStorage(s: StrimziStorage): KafkaNodePoolSpecStorage {
  switch (s.type) {
    case StrimziStorageType.JBOD:
      return {
        type: KafkaNodePoolSpecStorageType.JBOD,
        volumes: [...(s.volumes ?? [])]
          .sort((a, b) => a.id - b.id)
          .map(
            (v): KafkaNodePoolSpecStorageVolumes =>
              (v.type ?? StrimziVolumeType.PERSISTENT_CLAIM) === StrimziVolumeType.PERSISTENT_CLAIM
                ? {
                  id: v.id,
                  type: KafkaNodePoolSpecStorageVolumesType.PERSISTENT_HYPHEN_CLAIM,
                  size: v.size,
                  class: v.storageClass,
                  deleteClaim: v.deleteClaim ?? false,
                  kraftMetadata: v.kraftMetadata ? KafkaNodePoolSpecStorageVolumesKraftMetadata.SHARED : undefined,
                }
                : {
                  id: v.id,
                  type: KafkaNodePoolSpecStorageVolumesType.EPHEMERAL,
                  sizeLimit: v.sizeLimit,
                  kraftMetadata: v.kraftMetadata ? KafkaNodePoolSpecStorageVolumesKraftMetadata.SHARED : undefined,
                },
          ),
      };
    case StrimziStorageType.PERSISTENT_CLAIM:
      return { type: KafkaNodePoolSpecStorageType.PERSISTENT_HYPHEN_CLAIM, size: s.size, class: s.storageClass, deleteClaim: s.deleteClaim ?? false };
    default:
      return { type: KafkaNodePoolSpecStorageType.EPHEMERAL, sizeLimit: s.sizeLimit };
  }
}

function renderResources(r: StrimziResources | undefined): KafkaNodePoolSpecResources | undefined {
  if (!r) return undefined;
  const requests: { [k: string]: KafkaNodePoolSpecResourcesRequests } = {};
  const limits: { [k: string]: KafkaNodePoolSpecResourcesLimits } = {};
  if (r.cpuRequest) requests.cpu = KafkaNodePoolSpecResourcesRequests.fromString(r.cpuRequest);
  if (r.memoryRequest) requests.memory = KafkaNodePoolSpecResourcesRequests.fromString(r.memoryRequest);
  if (r.cpuLimit) limits.cpu = KafkaNodePoolSpecResourcesLimits.fromString(r.cpuLimit);
  if (r.memoryLimit) limits.memory = KafkaNodePoolSpecResourcesLimits.fromString(r.memoryLimit);
  if (!Object.keys(requests).length && !Object.keys(limits).length) return undefined;
  return { requests: Object.keys(requests).length ? requests : undefined, limits: Object.keys(limits).length ? limits : undefined };
}

/** Renders a pool's `spec`: replicas, roles, storage, resources and a restricted pod template with spreading. */
export function renderNodePoolSpec(clusterName: string, p: ResolvedNodePool): KafkaNodePoolSpec {
  const spread = spreadAffinity(poolPodSelector(clusterName, p.name), p.antiAffinity);
  return {
    replicas: p.replicas,
    roles: p.roles.map((r) => (r === StrimziNodeRole.CONTROLLER ? KafkaNodePoolSpecRoles.CONTROLLER : KafkaNodePoolSpecRoles.BROKER)),
    storage: renderStorage(p.storage),
    resources: renderResources(p.resources),
    template: {
      pod: {
        securityContext: strimziPodSecurityContext(),
        affinity: spread.affinity,
        topologySpreadConstraints: spread.topologySpreadConstraints,
      },
      kafkaContainer: { securityContext: strimziContainerSecurityContext() },
      // Strimzi adds a `kafka-init` container to broker pods with a nodeport listener or rack awareness; its
      // security context comes only from here, and PodSecurity `restricted` judges every container.
      initContainer: { securityContext: strimziContainerSecurityContext() },
    },
  };
}
