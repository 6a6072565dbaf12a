import {
  KafkaSpecKafkaListeners,
  KafkaSpecKafkaListenersAuthenticationType,
  KafkaSpecKafkaListenersConfiguration,
  KafkaSpecKafkaListenersConfigurationExternalTrafficPolicy,
  KafkaSpecKafkaListenersConfigurationPreferredNodePortAddressType,
  KafkaSpecKafkaListenersType,
} from '../../imports/kafka.strimzi.io';
import { KafkaAuthentication } from '../kafka/cluster';
import { isNodePort, isPort, show, ValidationRule } from '../common/validation';

/** Kafka listener types this library emits (`tlsroute` is not offered: it needs Gateway API objects we do not model). */
export enum StrimziListenerType {
  /** Headless and ClusterIP Services inside the cluster (`<c>-kafka-bootstrap`). */
  INTERNAL = 'internal',
  /** A ClusterIP Service per broker plus `<c>-kafka-<listener>-bootstrap`. */
  CLUSTER_IP = 'cluster-ip',
  /** NodePort Services: a bootstrap Service and one per broker, reachable on every node's address. */
  NODEPORT = 'nodeport',
  /** LoadBalancer Services: a bootstrap Service and one per broker. */
  LOADBALANCER = 'loadbalancer',
  /** OpenShift Routes (TLS passthrough; TLS required). */
  ROUTE = 'route',
  /** NGINX Ingress with TLS passthrough (deprecated by Strimzi; TLS required; hosts required). */
  INGRESS = 'ingress',
}

/** How clients authenticate on a Strimzi listener. */
export enum StrimziListenerAuthentication {
  /** No authentication (clients are `User:ANONYMOUS`). */
  NONE = 'none',
  /** SASL SCRAM-SHA-512 (SASL_SSL on a TLS listener, SASL_PLAINTEXT otherwise). */
  SCRAM_SHA_512 = 'scram-sha-512',
  /** Mutual TLS: the client certificate's CN is the principal. TLS listeners only. */
  TLS = 'tls',
}

/** Service `externalTrafficPolicy` for nodeport and loadbalancer listeners. */
export enum StrimziExternalTrafficPolicy {
  /** May take a second hop; hides the client source IP. */
  CLUSTER = 'Cluster',
  /** Only node-local endpoints; keeps the client source IP. */
  LOCAL = 'Local',
}

/** Which node address a nodeport listener advertises first. */
export enum StrimziNodeAddressType {
  EXTERNAL_DNS = 'ExternalDNS',
  EXTERNAL_IP = 'ExternalIP',
  INTERNAL_DNS = 'InternalDNS',
  INTERNAL_IP = 'InternalIP',
  HOSTNAME = 'Hostname',
}

/** A custom broker certificate for a TLS listener, from a Secret (e.g. one cert-manager writes). */
export interface StrimziBrokerCertificate {
  /** Secret holding the certificate and its key. */
  readonly secretName: string;
  /** Key of the certificate (chain) in the Secret, e.g. `tls.crt`. */
  readonly certificate: string;
  /** Key of the private key (unencrypted PKCS#8) in the Secret, e.g. `tls.key`. */
  readonly key: string;
  /**
   * Key of the issuing CA certificate in the same Secret, which clients of this listener must trust (not emitted
   * into the Kafka resource; used by `connection()`).
   * @default 'ca.crt'
   */
  readonly caCertificate?: string;
}

/** The listener's bootstrap Service. */
export interface StrimziListenerBootstrap {
  /** Pinned node port of the bootstrap Service (nodeport and loadbalancer listeners). @default - assigned by Kubernetes */
  readonly nodePort?: number;
  /** Requested load balancer IP (loadbalancer listeners). @default - assigned by the provider */
  readonly loadBalancerIp?: string;
  /** Bootstrap host name (route and ingress listeners). @default - none (required for ingress) */
  readonly host?: string;
  /** Extra subject alternative names for the brokers' TLS certificates. @default - none */
  readonly alternativeNames?: string[];
  /** Annotations on the bootstrap Service (not for internal listeners). @default - none */
  readonly annotations?: { [key: string]: string };
  /** Labels on the bootstrap Service (not for internal listeners). @default - none */
  readonly labels?: { [key: string]: string };
}

/** Per-broker overrides, keyed by node ID. */
export interface StrimziListenerBroker {
  /** The broker's node ID (see `StrimziKafka.brokerNodeIds`). */
  readonly broker: number;
  /** Pinned node port of this broker's Service (nodeport and loadbalancer listeners). @default - assigned by Kubernetes */
  readonly nodePort?: number;
  /** Host name advertised to clients instead of the detected address. @default - detected by the operator */
  readonly advertisedHost?: string;
  /** Port advertised to clients instead of the detected one. @default - detected by the operator */
  readonly advertisedPort?: number;
  /** Host name of this broker's Route or Ingress (route and ingress listeners). @default - none (required for ingress) */
  readonly host?: string;
  /** Requested load balancer IP (loadbalancer listeners). @default - assigned by the provider */
  readonly loadBalancerIp?: string;
  /** Annotations on this broker's Service (not for internal listeners). @default - none */
  readonly annotations?: { [key: string]: string };
  /** Labels on this broker's Service (not for internal listeners). @default - none */
  readonly labels?: { [key: string]: string };
}

/** Listener `configuration`; which keys a listener type accepts follows Strimzi's ListenersValidator. */
export interface StrimziListenerConfiguration {
  /** Bootstrap Service settings. @default - none */
  readonly bootstrap?: StrimziListenerBootstrap;
  /** Per-broker settings. @default - none */
  readonly brokers?: StrimziListenerBroker[];
  /** Custom broker certificate (TLS listeners only). @default - certificates signed by the cluster CA */
  readonly brokerCertificate?: StrimziBrokerCertificate;
  /** Address type advertised first (nodeport only). @default - ExternalDNS, ExternalIP, InternalDNS, InternalIP, Hostname */
  readonly preferredNodePortAddressType?: StrimziNodeAddressType;
  /** externalTrafficPolicy of the Services (nodeport and loadbalancer only). @default - Kubernetes' default (Cluster) */
  readonly externalTrafficPolicy?: StrimziExternalTrafficPolicy;
  /** Client CIDRs allowed through the load balancer (loadbalancer only). @default - any */
  readonly loadBalancerSourceRanges?: string[];
  /** Ingress class or load balancer class (ingress and loadbalancer only). @default - the cluster default */
  readonly className?: string;
  /** Finalizers on the LoadBalancer Services (loadbalancer only). @default - none */
  readonly finalizers?: string[];
  /** Allocate node ports for LoadBalancer Services (loadbalancer only). @default - Kubernetes' default (true) */
  readonly allocateLoadBalancerNodePorts?: boolean;
  /** Set to false to skip the bootstrap Service (loadbalancer only). @default true */
  readonly createBootstrapService?: boolean;
  /** Publish endpoints of pods that are not ready (not for internal listeners). @default false */
  readonly publishNotReadyAddresses?: boolean;
  /** Include the cluster DNS domain in advertised addresses (internal and cluster-ip only). @default - operator default */
  readonly useServiceDnsDomain?: boolean;
  /** Broker host name template with `{nodeId}`/`{nodePodName}` (route and ingress only). @default - none */
  readonly hostTemplate?: string;
  /** Maximum connections per broker on this listener. @default - unlimited */
  readonly maxConnections?: number;
  /** Maximum new connections per second per broker on this listener. @default - unlimited */
  readonly maxConnectionCreationRate?: number;
}

/**
 * Node ports pinned from two numbers: the bootstrap Service gets `bootstrap`, and the broker with the i-th lowest
 * node ID gets `firstBroker + i`. Nodeport listeners only; expands to `configuration.bootstrap.nodePort` and
 * `configuration.brokers[].nodePort`, so do not set those as well.
 */
export interface StrimziPinnedNodePorts {
  /** Node port of the bootstrap Service (30000-32767). */
  readonly bootstrap: number;
  /** Node port of the first broker; the others follow consecutively (30000-32767). */
  readonly firstBroker: number;
}

/** One Kafka listener (`spec.kafka.listeners[]`). */
export interface StrimziListenerProps {
  /** Listener name: 1-11 lowercase letters and digits, unique in the cluster. */
  readonly name: string;
  /** Port inside Kafka: >= 9092, not 9404 or 9999 (metrics, JMX), unique in the cluster. */
  readonly port: number;
  /** Listener type. */
  readonly type: StrimziListenerType;
  /** TLS encryption (required for route and ingress, and for TLS client authentication). @default false */
  readonly tls?: boolean;
  /** Client authentication. @default StrimziListenerAuthentication.NONE */
  readonly authentication?: StrimziListenerAuthentication;
  /** Type-specific configuration. @default - none */
  readonly configuration?: StrimziListenerConfiguration;
  /** Pinned bootstrap and per-broker node ports (nodeport listeners). @default - Kubernetes assigns node ports */
  readonly pinnedNodePorts?: StrimziPinnedNodePorts;
}

/** A listener with every default applied. */
export interface ResolvedListener {
  readonly name: string;
  readonly port: number;
  readonly type: StrimziListenerType;
  readonly tls: boolean;
  readonly authentication: StrimziListenerAuthentication;
  readonly configuration: StrimziListenerConfiguration;
  readonly pinnedNodePorts?: StrimziPinnedNodePorts;
}

/** Applies listener defaults. */
export function resolveListener(l: StrimziListenerProps): ResolvedListener {
  return {
    name: l.name,
    port: l.port,
    type: l.type,
    tls: l.tls ?? false,
    authentication: l.authentication ?? StrimziListenerAuthentication.NONE,
    configuration: l.configuration ?? {},
    pinnedNodePorts: l.pinnedNodePorts,
  };
}

/** Listener types clients inside the cluster use through a ClusterIP bootstrap Service. */
export const IN_CLUSTER_LISTENER_TYPES: ReadonlyArray<StrimziListenerType> = [StrimziListenerType.INTERNAL, StrimziListenerType.CLUSTER_IP];

/** True for listeners that the IKafkaCluster `connection()` serves (internal and cluster-ip). */
export function isInClusterListener(l: { readonly type: StrimziListenerType }): boolean {
  return IN_CLUSTER_LISTENER_TYPES.includes(l.type);
}

/** Types that only work with TLS (Strimzi's `validateRouteAndIngressTlsOnly`). */
export const TLS_ONLY_LISTENER_TYPES: ReadonlyArray<StrimziListenerType> = [StrimziListenerType.ROUTE, StrimziListenerType.INGRESS];

/** Ports Strimzi keeps for itself (Prometheus metrics, JMX). */
export const FORBIDDEN_LISTENER_PORTS: ReadonlyArray<number> = [9404, 9999];
/** Lowest port a listener may use. */
export const LOWEST_LISTENER_PORT = 9092;
/** Strimzi's `GenericKafkaListener.LISTENER_NAME_REGEX`. */
export const LISTENER_NAME_PATTERN = /^[a-z0-9]{1,11}$/;

/** The effective node ports of a listener (pinned ports expanded), per broker node ID. */
export interface ListenerNodePorts {
  readonly bootstrap?: number;
  readonly brokers: { readonly [nodeId: number]: number };
}

/** Expands `pinnedNodePorts` (or reads `configuration`) into the node ports the Services will get. */
export function listenerNodePorts(l: ResolvedListener, brokerNodeIds: ReadonlyArray<number>): ListenerNodePorts {
  const brokers: { [nodeId: number]: number } = {};
  if (l.pinnedNodePorts) {
    [...brokerNodeIds].sort((a, b) => a - b).forEach((id, i) => (brokers[id] = l.pinnedNodePorts!.firstBroker + i));
    return { bootstrap: l.pinnedNodePorts.bootstrap, brokers };
  }
  for (const b of l.configuration.brokers ?? []) if (b.nodePort !== undefined) brokers[b.broker] = b.nodePort;
  return { bootstrap: l.configuration.bootstrap?.nodePort, brokers };
}

/** One value found in a listener's configuration, with the path it was found at. */
interface FoundValue {
  readonly path: string;
  readonly value: unknown;
}

const notEmpty = (v: unknown): boolean =>
  v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/** A configuration key that only some listener types accept. */
export interface ListenerConfigurationKeyRule {
  /** Path under `configuration` (`brokers[].x` for per-broker keys). */
  readonly key: string;
  /** Listener types that accept it. */
  readonly types: ReadonlyArray<StrimziListenerType>;
  /** Values of the key that count as "set" (with their exact paths). */
  readonly read: (l: ResolvedListener) => FoundValue[];
}

const T = StrimziListenerType;
const ALL_BUT_INTERNAL = [T.CLUSTER_IP, T.NODEPORT, T.LOADBALANCER, T.ROUTE, T.INGRESS];
const SERVICE_METADATA_TYPES = [T.LOADBALANCER, T.NODEPORT, T.ROUTE, T.INGRESS, T.CLUSTER_IP];

const top = (key: keyof StrimziListenerConfiguration, isSet: (v: unknown) => boolean = notEmpty) => (l: ResolvedListener): FoundValue[] => {
  const v = l.configuration[key];
  return isSet(v) ? [{ path: `configuration.${String(key)}`, value: v }] : [];
};
const boot = (key: keyof StrimziListenerBootstrap) => (l: ResolvedListener): FoundValue[] => {
  const v = l.configuration.bootstrap?.[key];
  return notEmpty(v) ? [{ path: `configuration.bootstrap.${String(key)}`, value: v }] : [];
};
const perBroker = (key: keyof StrimziListenerBroker) => (l: ResolvedListener): FoundValue[] =>
  (l.configuration.brokers ?? []).flatMap((b, j) => (notEmpty(b[key]) ? [{ path: `configuration.brokers[${j}].${String(key)}`, value: b[key] }] : []));

/**
 * Which listener types accept which configuration keys: a port of Strimzi's `ListenersValidator`
 * (validateServiceDnsDomain, validateControllerClass, validateExternalTrafficPolicy, ...). A key set on any other
 * type is rejected by the operator at reconcile time; here it fails the synth.
 */
export const LISTENER_CONFIGURATION_KEY_RULES: ReadonlyArray<ListenerConfigurationKeyRule> = [
  { key: 'useServiceDnsDomain', types: [T.INTERNAL, T.CLUSTER_IP], read: top('useServiceDnsDomain') },
  { key: 'className', types: [T.INGRESS, T.LOADBALANCER], read: top('className') },
  { key: 'externalTrafficPolicy', types: [T.LOADBALANCER, T.NODEPORT], read: top('externalTrafficPolicy') },
  { key: 'loadBalancerSourceRanges', types: [T.LOADBALANCER], read: top('loadBalancerSourceRanges') },
  { key: 'allocateLoadBalancerNodePorts', types: [T.LOADBALANCER], read: top('allocateLoadBalancerNodePorts') },
  { key: 'finalizers', types: [T.LOADBALANCER], read: top('finalizers') },
  { key: 'preferredNodePortAddressType', types: [T.NODEPORT], read: top('preferredNodePortAddressType') },
  { key: 'publishNotReadyAddresses', types: ALL_BUT_INTERNAL, read: top('publishNotReadyAddresses') },
  // Strimzi only rejects `createBootstrapService: false` outside loadbalancer listeners.
  { key: 'createBootstrapService', types: [T.LOADBALANCER], read: top('createBootstrapService', (v) => v === false) },
  { key: 'hostTemplate', types: [T.ROUTE, T.INGRESS], read: top('hostTemplate') },
  { key: 'bootstrap.host', types: [T.ROUTE, T.INGRESS], read: boot('host') },
  { key: 'bootstrap.loadBalancerIp', types: [T.LOADBALANCER], read: boot('loadBalancerIp') },
  { key: 'bootstrap.nodePort', types: [T.NODEPORT, T.LOADBALANCER], read: boot('nodePort') },
  { key: 'bootstrap.labels', types: SERVICE_METADATA_TYPES, read: boot('labels') },
  { key: 'bootstrap.annotations', types: SERVICE_METADATA_TYPES, read: boot('annotations') },
  { key: 'brokers[].host', types: [T.ROUTE, T.INGRESS], read: perBroker('host') },
  { key: 'brokers[].loadBalancerIp', types: [T.LOADBALANCER], read: perBroker('loadBalancerIp') },
  { key: 'brokers[].nodePort', types: [T.NODEPORT, T.LOADBALANCER], read: perBroker('nodePort') },
  { key: 'brokers[].labels', types: SERVICE_METADATA_TYPES, read: perBroker('labels') },
  { key: 'brokers[].annotations', types: SERVICE_METADATA_TYPES, read: perBroker('annotations') },
  // Ours, not Strimzi's: the pinned-port shorthand expands to nodeport settings.
  { key: 'pinnedNodePorts', types: [T.NODEPORT], read: (l) => (l.pinnedNodePorts ? [{ path: 'pinnedNodePorts', value: l.pinnedNodePorts }] : []) },
];

/** What the listener rules need to know about the cluster. */
export interface ListenerRuleContext {
  readonly listeners: ReadonlyArray<ResolvedListener>;
  /** Node IDs of the broker-role nodes. */
  readonly brokerNodeIds: ReadonlyArray<number>;
}

const duplicates = <V>(xs: ReadonlyArray<V>): V[] => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];

/**
 * The listener rule table, expanded for the given listeners (one rule per listener and check, so every failure
 * names the exact prop, e.g. `listeners[2].configuration.bootstrap.nodePort`).
 */
export function listenerRules<S extends ListenerRuleContext>(s: S): ValidationRule<S>[] {
  const rules: ValidationRule<S>[] = [
    { prop: 'listeners', value: (x) => x.listeners.length, check: (n) => n >= 1, allowed: 'at least one listener' },
    {
      prop: 'listeners[].name',
      value: (x) => duplicates(x.listeners.map((l) => l.name)),
      check: (d) => d.length === 0,
      allowed: 'unique listener names (these names are used more than once)',
    },
    {
      prop: 'listeners[].port',
      value: (x) => duplicates(x.listeners.map((l) => l.port)),
      check: (d) => d.length === 0,
      allowed: 'unique listener ports (these ports are used more than once)',
    },
    {
      prop: 'listeners[].nodePort',
      value: (x) =>
        duplicates(
          x.listeners.flatMap((l) => {
            const np = listenerNodePorts(l, x.brokerNodeIds);
            return [...(np.bootstrap !== undefined ? [np.bootstrap] : []), ...Object.values(np.brokers)];
          }),
        ),
      check: (d) => d.length === 0,
      allowed: 'node ports unique across all listeners and brokers (these are used more than once)',
    },
  ];

  s.listeners.forEach((l, i) => {
    const p = `listeners[${i}]`;
    const at = (x: S) => x.listeners[i];
    rules.push(
      { prop: `${p}.name`, value: (x) => at(x).name, check: (v) => typeof v === 'string' && LISTENER_NAME_PATTERN.test(v), allowed: '1-11 lowercase letters and digits (^[a-z0-9]{1,11}$)' },
      {
        prop: `${p}.port`,
        value: (x) => at(x).port,
        check: (v) => isPort(v) && v >= LOWEST_LISTENER_PORT && !FORBIDDEN_LISTENER_PORTS.includes(v),
        allowed: `a port from ${LOWEST_LISTENER_PORT} to 65535 except ${FORBIDDEN_LISTENER_PORTS.join(' and ')} (Prometheus metrics, JMX)`,
      },
      {
        prop: `${p}.tls`,
        value: (x) => at(x).tls,
        check: (v) => v === true,
        when: (x) => TLS_ONLY_LISTENER_TYPES.includes(at(x).type),
        allowed: `true: listener type '${l.type}' requires TLS encryption`,
      },
      {
        prop: `${p}.authentication`,
        value: (x) => at(x).authentication,
        check: (v) => v !== StrimziListenerAuthentication.TLS,
        when: (x) => !at(x).tls,
        allowed: "'none' or 'scram-sha-512' on a listener without TLS (tls authentication needs tls: true)",
      },
      {
        prop: `${p}.configuration.brokerCertificate`,
        value: (x) => at(x).configuration.brokerCertificate?.secretName,
        check: () => false,
        when: (x) => !at(x).tls && at(x).configuration.brokerCertificate !== undefined,
        allowed: 'a custom broker certificate only on a listener with tls: true',
      },
      {
        prop: `${p}.configuration.brokerCertificate`,
        value: (x) => at(x).configuration.brokerCertificate,
        check: (v) => ['secretName', 'certificate', 'key'].every((k) => typeof v[k] === 'string' && v[k].length > 0),
        when: (x) => at(x).configuration.brokerCertificate !== undefined,
        allowed: 'non-empty secretName, certificate and key',
      },
    );

    for (const k of LISTENER_CONFIGURATION_KEY_RULES) {
      for (const found of k.read(l)) {
        rules.push({
          prop: `${p}.${found.path}`,
          value: () => found.value,
          check: () => k.types.includes(l.type),
          allowed: `only on listener types ${k.types.join(', ')} (listener '${l.name}' is '${l.type}')`,
        });
      }
    }

    if (l.pinnedNodePorts) {
      rules.push({
        prop: `${p}.pinnedNodePorts`,
        value: (x) => at(x).pinnedNodePorts,
        check: (v) => isNodePort(v.bootstrap) && isNodePort(v.firstBroker) && isNodePort(v.firstBroker + Math.max(0, s.brokerNodeIds.length - 1)),
        allowed: (x) => `bootstrap and firstBroker..firstBroker+${x.brokerNodeIds.length - 1} all within 30000-32767`,
      });
      rules.push({
        prop: `${p}.pinnedNodePorts`,
        value: (x) => at(x).pinnedNodePorts,
        check: () => false,
        when: (x) => at(x).configuration.bootstrap?.nodePort !== undefined || (at(x).configuration.brokers ?? []).some((b) => b.nodePort !== undefined),
        allowed: 'either pinnedNodePorts or configuration.bootstrap.nodePort/brokers[].nodePort, not both',
      });
    }
    if (l.configuration.bootstrap?.nodePort !== undefined) {
      rules.push({ prop: `${p}.configuration.bootstrap.nodePort`, value: (x) => at(x).configuration.bootstrap?.nodePort, check: isNodePort, allowed: 'a node port from 30000 to 32767' });
    }
    (l.configuration.brokers ?? []).forEach((b, j) => {
      if (b.nodePort !== undefined) {
        rules.push({ prop: `${p}.configuration.brokers[${j}].nodePort`, value: () => b.nodePort, check: isNodePort, allowed: 'a node port from 30000 to 32767' });
      }
      if (b.advertisedPort !== undefined) {
        rules.push({ prop: `${p}.configuration.brokers[${j}].advertisedPort`, value: () => b.advertisedPort, check: isPort, allowed: 'a port from 1 to 65535' });
      }
    });
    if (l.configuration.brokers) {
      rules.push({
        prop: `${p}.configuration.brokers[].broker`,
        value: (x) => duplicates((at(x).configuration.brokers ?? []).map((b) => b.broker)),
        check: (d) => d.length === 0,
        allowed: 'each node ID at most once per listener (these appear more than once)',
      });
    }
    if (l.type === StrimziListenerType.INGRESS) {
      rules.push({
        prop: `${p}.configuration.bootstrap.host`,
        value: (x) => at(x).configuration.bootstrap?.host,
        check: (v) => typeof v === 'string' && v.length > 0,
        allowed: 'a bootstrap host name: ingress listeners require one',
      });
      rules.push({
        prop: `${p}.configuration.brokers`,
        value: (x) => x.brokerNodeIds.filter((id) => !(at(x).configuration.brokers ?? []).some((b) => b.broker === id && b.host)),
        check: (missing) => missing.length === 0,
        when: (x) => at(x).configuration.hostTemplate === undefined,
        allowed: (x) => `a host for every broker node ID (${x.brokerNodeIds.join(', ')}) or a hostTemplate: ingress listeners require them (the value lists node IDs without a host)`,
      });
    }
  });
  return rules;
}

/** Node IDs configured under `configuration.brokers` that are not broker nodes (Strimzi only warns about these). */
export function unknownBrokerIds(l: ResolvedListener, brokerNodeIds: ReadonlyArray<number>): number[] {
  return (l.configuration.brokers ?? []).map((b) => b.broker).filter((id) => !brokerNodeIds.includes(id));
}

/** Maps a Strimzi listener authentication onto the flavor-neutral enum of IKafkaCluster. */
export function toKafkaAuthentication(a: StrimziListenerAuthentication): KafkaAuthentication {
  switch (a) {
    case StrimziListenerAuthentication.SCRAM_SHA_512:
      return KafkaAuthentication.SCRAM_SHA_512;
    case StrimziListenerAuthentication.TLS:
      return KafkaAuthentication.MTLS;
    default:
      return KafkaAuthentication.NONE;
  }
}

const TYPE_MAP: Record<StrimziListenerType, KafkaSpecKafkaListenersType> = {
  [StrimziListenerType.INTERNAL]: KafkaSpecKafkaListenersType.INTERNAL,
  [StrimziListenerType.CLUSTER_IP]: KafkaSpecKafkaListenersType.CLUSTER_HYPHEN_IP,
  [StrimziListenerType.NODEPORT]: KafkaSpecKafkaListenersType.NODEPORT,
  [StrimziListenerType.LOADBALANCER]: KafkaSpecKafkaListenersType.LOADBALANCER,
  [StrimziListenerType.ROUTE]: KafkaSpecKafkaListenersType.ROUTE,
  [StrimziListenerType.INGRESS]: KafkaSpecKafkaListenersType.INGRESS,
};

const AUTH_MAP: Record<StrimziListenerAuthentication, KafkaSpecKafkaListenersAuthenticationType | undefined> = {
  [StrimziListenerAuthentication.NONE]: undefined,
  [StrimziListenerAuthentication.SCRAM_SHA_512]: KafkaSpecKafkaListenersAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512,
  [StrimziListenerAuthentication.TLS]: KafkaSpecKafkaListenersAuthenticationType.TLS,
};

/** Drops undefined values and empty objects so the emitted configuration only carries what was set. */
function compact<O extends object>(o: O): O | undefined {
  const out: any = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** Renders one listener as the Kafka CR's `spec.kafka.listeners[]` entry (pinned node ports expanded). */
export function renderListener(l: ResolvedListener, brokerNodeIds: ReadonlyArray<number>): KafkaSpecKafkaListeners {
  const c = l.configuration;
  const np = listenerNodePorts(l, brokerNodeIds);
  const brokerIds = [...new Set([...(c.brokers ?? []).map((b) => b.broker), ...Object.keys(np.brokers).map(Number)])].sort((a, b) => a - b);
  const brokers = brokerIds.map((id) => {
    const b = (c.brokers ?? []).find((x) => x.broker === id);
    return compact({
      broker: id,
      advertisedHost: b?.advertisedHost,
      advertisedPort: b?.advertisedPort,
      host: b?.host,
      nodePort: np.brokers[id],
      loadBalancerIp: b?.loadBalancerIp,
      annotations: b?.annotations,
      labels: b?.labels,
    })!;
  });
  const bootstrap = c.bootstrap || np.bootstrap !== undefined
    ? compact({
      alternativeNames: c.bootstrap?.alternativeNames,
      host: c.bootstrap?.host,
      nodePort: np.bootstrap,
      loadBalancerIp: c.bootstrap?.loadBalancerIp,
      annotations: c.bootstrap?.annotations,
      labels: c.bootstrap?.labels,
    })
    : undefined;
  // Our enums carry the CRD's exact strings; the casts only change the nominal enum type.
  const configuration: KafkaSpecKafkaListenersConfiguration | undefined = compact({
    brokerCertChainAndKey: c.brokerCertificate
      ? { secretName: c.brokerCertificate.secretName, certificate: c.brokerCertificate.certificate, key: c.brokerCertificate.key }
      : undefined,
    class: c.className,
    externalTrafficPolicy: c.externalTrafficPolicy as unknown as KafkaSpecKafkaListenersConfigurationExternalTrafficPolicy | undefined,
    loadBalancerSourceRanges: c.loadBalancerSourceRanges,
    bootstrap,
    brokers: brokers.length ? brokers : undefined,
    createBootstrapService: c.createBootstrapService,
    finalizers: c.finalizers,
    useServiceDnsDomain: c.useServiceDnsDomain,
    maxConnections: c.maxConnections,
    maxConnectionCreationRate: c.maxConnectionCreationRate,
    preferredNodePortAddressType: c.preferredNodePortAddressType as unknown as KafkaSpecKafkaListenersConfigurationPreferredNodePortAddressType | undefined,
    publishNotReadyAddresses: c.publishNotReadyAddresses,
    hostTemplate: c.hostTemplate,
    allocateLoadBalancerNodePorts: c.allocateLoadBalancerNodePorts,
  });
  const authType = AUTH_MAP[l.authentication];
  return {
    name: l.name,
    port: l.port,
    type: TYPE_MAP[l.type],
    tls: l.tls,
    authentication: authType ? { type: authType } : undefined,
    configuration,
  };
}

/** Short description of a listener for error messages. */
export function describeListener(l: ResolvedListener): string {
  return `${l.name} (${l.type}, port ${l.port}, tls ${l.tls}, authentication ${show(l.authentication)})`;
}
