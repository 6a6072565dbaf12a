import { AntiAffinity } from '../common/scheduling';
import { StrimziListenerAuthentication, StrimziListenerProps, StrimziListenerType } from './listeners';
import { StrimziNodePoolProps, StrimziNodeRole, StrimziResources, StrimziStorageType } from './node-pools';

/** Named sets of defaults for a StrimziKafka. */
export enum StrimziProfile {
  /**
   * One dual-role (controller + broker) node, plain (9092) and TLS (9093) internal listeners without
   * authentication, no authorization, soft anti-affinity. Fits a single-node kind cluster.
   */
  LAB = 'lab',
  /**
   * 3 controllers + 3 brokers in separate pools, SCRAM-SHA-512 on the internal TLS listener (9093) and on an
   * external TLS nodeport listener (9094, bootstrap node port 32100, brokers from 32101), simple authorization,
   * hard anti-affinity, topics managed only through KafkaTopic (`auto.create.topics.enable=false`).
   */
  PRODUCTION = 'production',
}

/** Knobs of the production node pools. */
export interface StrimziProductionPoolOptions {
  /** Broker nodes. @default 3 */
  readonly brokerReplicas?: number;
  /** Controller nodes (odd: 3 or 5). @default 3 */
  readonly controllerReplicas?: number;
  /** Data volume per broker. @default '100Gi' */
  readonly brokerStorageSize?: string;
  /** Metadata volume per controller. @default '20Gi' */
  readonly controllerStorageSize?: string;
  /** StorageClass of every volume. @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Broker resources. @default - 1 CPU and 4Gi requested, 4Gi memory limit */
  readonly brokerResources?: StrimziResources;
  /** Controller resources. @default - 500m CPU and 2Gi requested, 2Gi memory limit */
  readonly controllerResources?: StrimziResources;
}

/** The profiles' listeners and node pools, as props you can adjust and pass back in. */
export class StrimziPresets {
  /** Lab listeners: `plain` (9092, internal, no TLS) and `tls` (9093, internal, TLS), no authentication. */
  public static labListeners(): StrimziListenerProps[] {
    return [
      { name: 'plain', port: 9092, type: StrimziListenerType.INTERNAL, tls: false },
      { name: 'tls', port: 9093, type: StrimziListenerType.INTERNAL, tls: true },
    ];
  }

  /** Lab pool: one `dual-role` node with a 5Gi JBOD volume that also holds the KRaft metadata log. */
  public static labNodePools(): StrimziNodePoolProps[] {
    return [
      {
        name: 'dual-role',
        replicas: 1,
        roles: [StrimziNodeRole.CONTROLLER, StrimziNodeRole.BROKER],
        storage: { type: StrimziStorageType.JBOD, volumes: [{ id: 0, size: '5Gi', kraftMetadata: true, deleteClaim: false }] },
        resources: { cpuRequest: '250m', memoryRequest: '1Gi', memoryLimit: '1Gi' },
      },
    ];
  }

  /**
   * Production listeners: `tls` (9093, internal, TLS, SCRAM-SHA-512) and `external` (9094, nodeport, TLS,
   * SCRAM-SHA-512, bootstrap node port 32100 and broker node ports from 32101).
   */
  public static productionListeners(): StrimziListenerProps[] {
    return [
      { name: 'tls', port: 9093, type: StrimziListenerType.INTERNAL, tls: true, authentication: StrimziListenerAuthentication.SCRAM_SHA_512 },
      {
        name: 'external',
        port: 9094,
        type: StrimziListenerType.NODEPORT,
        tls: true,
        authentication: StrimziListenerAuthentication.SCRAM_SHA_512,
        pinnedNodePorts: { bootstrap: 32100, firstBroker: 32101 },
      },
    ];
  }

  /**
   * Production pools: `broker` (node IDs from 0) and `controller` (node IDs from 100), each with one
   * persistent JBOD volume that holds the KRaft metadata log; claims are kept when nodes are removed.
   */
  public static productionNodePools(options: StrimziProductionPoolOptions = {}): StrimziNodePoolProps[] {
    const volume = (size: string) => ({ id: 0, size, storageClass: options.storageClass, kraftMetadata: true, deleteClaim: false });
    return [
      {
        name: 'broker',
        replicas: options.brokerReplicas ?? 3,
        roles: [StrimziNodeRole.BROKER],
        storage: { type: StrimziStorageType.JBOD, volumes: [volume(options.brokerStorageSize ?? '100Gi')] },
        resources: options.brokerResources ?? { cpuRequest: '1', memoryRequest: '4Gi', memoryLimit: '4Gi' },
        firstNodeId: 0,
      },
      {
        name: 'controller',
        replicas: options.controllerReplicas ?? 3,
        roles: [StrimziNodeRole.CONTROLLER],
        storage: { type: StrimziStorageType.JBOD, volumes: [volume(options.controllerStorageSize ?? '20Gi')] },
        resources: options.controllerResources ?? { cpuRequest: '500m', memoryRequest: '2Gi', memoryLimit: '2Gi' },
        firstNodeId: 100,
      },
    ];
  }

  /** Broker config the profile adds on top of the derived replication settings. */
  public static profileConfig(profile: StrimziProfile): { [key: string]: string } {
    return profile === StrimziProfile.PRODUCTION ? { 'auto.create.topics.enable': 'false' } : {};
  }

  /** Anti-affinity of the profile's pools. */
  public static profileAntiAffinity(profile: StrimziProfile): AntiAffinity {
    return profile === StrimziProfile.PRODUCTION ? AntiAffinity.HARD : AntiAffinity.SOFT;
  }

  private constructor() {}
}
