import { NetworkPeer } from '../common/network-policy';
import { AntiAffinity } from '../common/scheduling';
import { KafkaTopicSpec } from '../kafka/topic-spec';
import { RedpandaProfile } from './profile';

/** CPU and memory of each broker container; Seastar flags are derived from them. */
export interface RedpandaResources {
  /**
   * CPU cores, as a Kubernetes quantity (`500m`, `1`, `4`). `--smp` is the whole cores (at least 1); below one
   * core the broker runs overprovisioned.
   * @default - the profile's: `500m` (LAB), `4` (PRODUCTION)
   */
  readonly cpu?: string;
  /**
   * Container memory (`1536Mi`, `10Gi`). `--memory` is 80 % of it and `--reserve-memory` 0.2 % + 200 MiB, as the
   * official chart computes them; at least 1 GiB of `--memory` per core unless developer mode is on.
   * @default - the profile's: `1536Mi` (LAB), `10Gi` (PRODUCTION)
   */
  readonly memory?: string;
}

/** The data volume of each broker. */
export interface RedpandaStorage {
  /** Size of each broker's PersistentVolumeClaim. @default '1Gi' */
  readonly size?: string;
  /** StorageClass of the claims. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** The listener a laptop reaches through `kubectl port-forward`. */
export interface RedpandaPortForward {
  /** Whether to add the `local` listener (container port 9092). @default true */
  readonly enabled?: boolean;
  /**
   * Local port of broker 0; broker i advertises `127.0.0.1:<basePort + i>`. Forward with
   * `kubectl port-forward pod/<name>-<i> <basePort + i>:9092` (or `svc/<name> 9092:9092` with one broker).
   * @default 9092
   */
  readonly basePort?: number;
}

/** External access through one NodePort Service per broker. */
export interface RedpandaExternal {
  /**
   * Address clients outside the cluster use for the brokers: one for all brokers (a node IP, `127.0.0.1` for
   * kind with extraPortMappings) or one per broker, in ordinal order.
   */
  readonly addresses: string[];
  /** NodePort of broker 0; broker i uses `nodePortBase + i` (30000–32767). @default 31092 */
  readonly nodePortBase?: number;
}

/** SCRAM mechanism of the SASL users. */
export enum ScramMechanism {
  SCRAM_SHA_256 = 'SCRAM-SHA-256',
  SCRAM_SHA_512 = 'SCRAM-SHA-512',
}

/**
 * SASL/SCRAM on every Kafka listener. Passwords are never generated or inlined: they come from an existing
 * Secret with one key per user (key = user name, value = password), e.g.
 * `kubectl create secret generic rp-users -n lab --from-literal=admin=... --from-literal=consumer=...`.
 */
export interface RedpandaSasl {
  /** The Secret that holds the passwords. */
  readonly usersSecretName: string;
  /** Superusers (keys of the Secret). The first is the bootstrap user that `rpk` in the pods and the configure Job use. */
  readonly superusers: string[];
  /** Further users to create (keys of the Secret). @default - none */
  readonly users?: string[];
  /** SCRAM mechanism of every user. @default ScramMechanism.SCRAM_SHA_512 */
  readonly mechanism?: ScramMechanism;
}

/**
 * TLS on every listener (Kafka, admin, HTTP proxy, schema registry, RPC). Either cert-manager issues the
 * certificate (a self-signed CA per cluster, or your Issuer) or you name a Secret with `tls.crt`, `tls.key` and
 * `ca.crt`.
 */
export interface RedpandaTls {
  /** Let cert-manager issue the certificate (needs cert-manager in the cluster). @default false */
  readonly certManager?: boolean;
  /** An existing cert-manager Issuer (same namespace) to sign the broker certificate. @default - a self-signed CA chain created for this cluster */
  readonly issuerName?: string;
  /** An existing Secret with `tls.crt`, `tls.key` and `ca.crt` instead of cert-manager. @default - none */
  readonly secretName?: string;
}

/** Who may reach the brokers when the NetworkPolicy is on. */
export interface RedpandaNetworkPolicy {
  /**
   * Pods admitted on the client ports (Kafka 9093, admin 9644, HTTP proxy 8082, schema registry 8081). Brokers
   * always reach each other and the configure Job reaches the brokers; the external NodePort listener stays open.
   * `kubectl port-forward` is not affected by NetworkPolicies. For a KEDA scaler, admit KEDA's namespace.
   * @default - only the brokers and the configure Job (add clients later with `allowFrom`)
   */
  readonly allowFrom?: NetworkPeer[];
}

/** Log level of the broker. */
export enum RedpandaLogLevel {
  ERROR = 'error',
  WARN = 'warn',
  INFO = 'info',
  DEBUG = 'debug',
  TRACE = 'trace',
}

/** Props of {@link Redpanda}. */
export interface RedpandaProps {
  /** Name of the StatefulSet and client Service (the headless Service is `<name>-headless`). @default - the construct id */
  readonly name?: string;
  /** Namespace. @default - the chart's namespace */
  readonly namespace?: string;
  /** Named defaults. @default RedpandaProfile.LAB */
  readonly profile?: RedpandaProfile;
  /** Broker count. Three or more gives a highly available cluster (Raft majority). @default 1 */
  readonly replicas?: number;
  /** Broker image. @default - IMAGES.redpanda from lib/common/images.ts */
  readonly image?: string;
  /** CPU and memory per broker. @default - the profile's */
  readonly resources?: RedpandaResources;
  /** Developer mode: no memory-per-core check, relaxed fsync. Never for data you want to keep. @default - LAB: true, PRODUCTION: false */
  readonly developerMode?: boolean;
  /** Seastar overprovisioned mode (no CPU pinning, no busy polling), for shared CPUs. @default - LAB: true; PRODUCTION: only when cpu < 1 */
  readonly overprovisioned?: boolean;
  /** Data volumes. @default - 1Gi on the default StorageClass */
  readonly storage?: RedpandaStorage;
  /** Keep brokers on different nodes. @default - LAB: SOFT, PRODUCTION: HARD */
  readonly antiAffinity?: AntiAffinity;
  /** Broker log level. @default RedpandaLogLevel.INFO */
  readonly logLevel?: RedpandaLogLevel;
  /** The port-forward listener. @default - enabled, base port 9092 */
  readonly portForward?: RedpandaPortForward;
  /** External NodePort access. @default - none */
  readonly external?: RedpandaExternal;
  /** SASL/SCRAM. @default - no authentication */
  readonly sasl?: RedpandaSasl;
  /** TLS. @default - plaintext */
  readonly tls?: RedpandaTls;
  /**
   * Extra cluster properties (e.g. `{ log_retention_ms: '86400000' }`). Written to the first-start bootstrap file
   * and re-applied by the configure Job on every change. Integer-looking values are written as numbers,
   * `true`/`false` as booleans.
   * @default - none
   */
  readonly clusterConfig?: { [key: string]: string };
  /** Topics to create (more with `addTopic`). @default - none */
  readonly topics?: KafkaTopicSpec[];
  /** A NetworkPolicy that admits only the brokers, the configure Job and the pods you name (more with `allowFrom`). @default - no NetworkPolicy */
  readonly networkPolicy?: RedpandaNetworkPolicy;
  /** Emit a ServiceMonitor for `/public_metrics` (needs the Prometheus operator CRDs). @default false */
  readonly serviceMonitor?: boolean;
  /** Cluster DNS domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
}
