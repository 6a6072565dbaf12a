import { VERSIONS } from '../common/images';
import { DEFAULT_CLUSTER_DOMAIN } from '../common/naming';
import { AntiAffinity } from '../common/scheduling';
import { isDnsSubdomain, ValidationRule } from '../common/validation';
import { ConfigRuleContext, configRules, replicationSettings } from './broker-config';
import { isInClusterListener, listenerRules, ResolvedListener, resolveListener, StrimziListenerProps } from './listeners';
import {
  brokersServiceName,
  bootstrapServiceName,
  clusterCaCertSecretName,
  entityOperatorName,
  kafkaNetworkPolicyName,
  listenerBootstrapServiceName,
  perBrokerServiceName,
} from './names';
import {
  brokerNodeIdsOf,
  MAX_DERIVED_NAME,
  nodePoolRules,
  poolNodeIds,
  ResolvedNodePool,
  resolveNodePool,
  roleCount,
  StrimziNodePoolProps,
  StrimziNodeRole,
} from './node-pools';
import { StrimziPresets, StrimziProfile } from './presets';

/** Kafka versions Strimzi 1.2.0 runs (`kafka-versions.yaml`); the pinned default is VERSIONS.strimziKafka. */
export const STRIMZI_SUPPORTED_KAFKA_VERSIONS: ReadonlyArray<string> = ['4.2.0', '4.2.1', '4.3.0', '4.3.1'];

/** Cluster authorization. */
export enum StrimziAuthorizationType {
  /** No authorizer: every authenticated (or anonymous) client may do anything; KafkaUser ACLs are not enforced. */
  NONE = 'none',
  /** Kafka's built-in StandardAuthorizer; KafkaUser ACLs are enforced. */
  SIMPLE = 'simple',
}

/** `spec.kafka.authorization`. */
export interface StrimziAuthorization {
  /** Authorizer. */
  readonly type: StrimziAuthorizationType;
  /** Principals with unlimited rights, e.g. `admin` (SCRAM) or `CN=admin` (TLS). @default - none */
  readonly superUsers?: string[];
}

/** Props of a StrimziKafka. Unset props come from the profile. */
export interface StrimziKafkaProps {
  /** Name of the Kafka resource (prefix of every generated object). @default - the construct id */
  readonly name?: string;
  /** Namespace. @default - the chart's namespace */
  readonly namespace?: string;
  /** Profile supplying the defaults. @default StrimziProfile.LAB */
  readonly profile?: StrimziProfile;
  /** Kafka version. @default VERSIONS.strimziKafka (4.3.1, lib/common/images.ts) */
  readonly version?: string;
  /**
   * KRaft metadata version.
   * @default VERSIONS.strimziMetadata when `version` is the pinned default; otherwise unset (the operator uses the version's own)
   */
  readonly metadataVersion?: string;
  /** Listeners (replace the profile's). @default - StrimziPresets.labListeners() / productionListeners() */
  readonly listeners?: StrimziListenerProps[];
  /** Node pools (replace the profile's). @default - StrimziPresets.labNodePools() / productionNodePools() */
  readonly nodePools?: StrimziNodePoolProps[];
  /** Authorization. @default - lab: none; production: simple, no super users */
  readonly authorization?: StrimziAuthorization;
  /**
   * Broker config, merged over the derived replication settings (RF = min(3, brokers), min ISR = RF - 1) and the
   * profile's config. Keys under operator-managed prefixes (listeners, ssl., sasl., ...) are rejected.
   * @default - none
   */
  readonly config?: { [key: string]: string };
  /** Listener `connection()` uses when called without a name. @default - the first internal or cluster-ip listener */
  readonly defaultListener?: string;
  /** Prefix of the Secrets the User Operator writes for KafkaUsers. @default '' */
  readonly userSecretPrefix?: string;
  /** Default pod anti-affinity of the pools (a pool's own setting wins). @default - lab: soft; production: hard */
  readonly antiAffinity?: AntiAffinity;
  /** Cluster DNS domain for the FQDNs in `connection()`. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** Every setting of a StrimziKafka, defaults applied. */
export interface StrimziKafkaSettings extends ConfigRuleContext {
  readonly clusterName: string;
  readonly namespace: string;
  readonly profile: StrimziProfile;
  readonly version: string;
  readonly metadataVersion?: string;
  readonly listeners: ReadonlyArray<ResolvedListener>;
  readonly nodePools: ReadonlyArray<ResolvedNodePool>;
  readonly brokerNodeIds: ReadonlyArray<number>;
  readonly brokerCount: number;
  readonly controllerCount: number;
  readonly authorization: { readonly type: StrimziAuthorizationType; readonly superUsers: ReadonlyArray<string> };
  readonly config: { readonly [key: string]: string | number | boolean };
  readonly userConfigKeys: ReadonlyArray<string>;
  readonly defaultListener?: string;
  readonly userSecretPrefix: string;
  readonly clusterDomain: string;
}

/** Resolves props + profile into settings (no validation here). */
export function resolveStrimziKafka(id: string, namespace: string, props: StrimziKafkaProps): StrimziKafkaSettings {
  const profile = props.profile ?? StrimziProfile.LAB;
  const production = profile === StrimziProfile.PRODUCTION;
  const listeners = (props.listeners ?? (production ? StrimziPresets.productionListeners() : StrimziPresets.labListeners())).map(resolveListener);
  const antiAffinity = props.antiAffinity ?? StrimziPresets.profileAntiAffinity(profile);
  const nodePools = (props.nodePools ?? (production ? StrimziPresets.productionNodePools() : StrimziPresets.labNodePools())).map((p, i) =>
    resolveNodePool(p, i, antiAffinity),
  );
  const brokerCount = roleCount(nodePools, StrimziNodeRole.BROKER);
  const version = props.version ?? VERSIONS.strimziKafka;
  const userConfig = props.config ?? {};
  return {
    clusterName: props.name ?? id,
    namespace,
    profile,
    version,
    metadataVersion: props.metadataVersion ?? (version === VERSIONS.strimziKafka ? VERSIONS.strimziMetadata : undefined),
    listeners,
    nodePools,
    brokerNodeIds: brokerNodeIdsOf(nodePools),
    brokerCount,
    controllerCount: roleCount(nodePools, StrimziNodeRole.CONTROLLER),
    authorization: {
      type: props.authorization?.type ?? (production ? StrimziAuthorizationType.SIMPLE : StrimziAuthorizationType.NONE),
      superUsers: [...(props.authorization?.superUsers ?? [])],
    },
    config: { ...replicationSettings(brokerCount), ...StrimziPresets.profileConfig(profile), ...userConfig },
    userConfigKeys: Object.keys(userConfig),
    defaultListener: props.defaultListener ?? listeners.find(isInClusterListener)?.name,
    userSecretPrefix: props.userSecretPrefix ?? '',
    clusterDomain: props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
  };
}

/** Names of objects the operator will create for these settings (checked against the 63-character limit). */
export function derivedObjectNames(s: StrimziKafkaSettings): string[] {
  const c = s.clusterName;
  const names = [bootstrapServiceName(c), brokersServiceName(c), clusterCaCertSecretName(c), entityOperatorName(c), kafkaNetworkPolicyName(c)];
  for (const l of s.listeners) {
    if (l.type === 'internal') continue;
    names.push(listenerBootstrapServiceName(c, l.name));
    for (const p of s.nodePools.filter((x) => x.roles.includes(StrimziNodeRole.BROKER))) {
      for (const id of poolNodeIds(p)) names.push(perBrokerServiceName(c, p.name, l.name, id));
    }
  }
  return names;
}

const minor = (v: string): number[] => v.split(/[.-]/).slice(0, 2).map(Number);
const cmpMinor = (a: number[], b: number[]): number => (a[0] - b[0]) || (a[1] - b[1]);

/** Cluster-level rules (name, versions, default listener, secret prefix, domain). */
export function clusterRules(): ValidationRule<StrimziKafkaSettings>[] {
  return [
    {
      prop: 'name',
      value: (s) => s.clusterName,
      check: (v) => typeof v === 'string' && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v),
      allowed: 'a DNS-1035 label: lowercase letters, digits and -, starting with a letter (it prefixes Service names)',
    },
    {
      prop: 'name',
      value: (s) => derivedObjectNames(s).filter((n) => n.length > MAX_DERIVED_NAME),
      check: (tooLong) => tooLong.length === 0,
      allowed: `a name short enough that every generated Service and Secret name stays within ${MAX_DERIVED_NAME} characters (the value lists the names that do not)`,
    },
    { prop: 'namespace', value: (s) => s.namespace, check: (v) => typeof v === 'string' && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v), allowed: 'a DNS label' },
    {
      prop: 'version',
      value: (s) => s.version,
      check: (v) => STRIMZI_SUPPORTED_KAFKA_VERSIONS.includes(v),
      allowed: `a Kafka version Strimzi ${VERSIONS.strimziOperator} supports: ${STRIMZI_SUPPORTED_KAFKA_VERSIONS.join(', ')}`,
    },
    {
      prop: 'metadataVersion',
      value: (s) => s.metadataVersion,
      check: (v, s) => /^[0-9]+\.[0-9]+-IV[0-9]+$/.test(v) && cmpMinor(minor(v), minor(s.version)) <= 0,
      when: (s) => s.metadataVersion !== undefined,
      allowed: (s) => `a KRaft metadata version like 4.3-IV0, not newer than the Kafka version (${s.version})`,
    },
    {
      prop: 'defaultListener',
      value: (s) => s.defaultListener,
      check: (v, s) => s.listeners.some((l) => l.name === v && isInClusterListener(l)),
      when: (s) => s.listeners.length > 0,
      allowed: (s) =>
        `the name of an internal or cluster-ip listener: ${s.listeners.filter(isInClusterListener).map((l) => l.name).join(', ') || '(none defined: add an internal listener, which connection() and KEDA need)'}`,
    },
    {
      prop: 'userSecretPrefix',
      value: (s) => s.userSecretPrefix,
      check: (v) => v === '' || (/^[a-z0-9]([-a-z0-9.]*)?$/.test(v) && v.length <= 200),
      allowed: "'' or lowercase letters, digits, '-' and '.', starting with a letter or digit (it prefixes Secret names)",
    },
    {
      prop: 'authorization.superUsers',
      value: (s) => s.authorization.superUsers,
      check: (v) => v.every((u: unknown) => typeof u === 'string' && u.trim().length > 0),
      allowed: 'non-empty principal names, e.g. admin or CN=admin',
    },
    {
      prop: 'authorization.superUsers',
      value: (s) => s.authorization.superUsers,
      check: (v) => v.length === 0,
      when: (s) => s.authorization.type === StrimziAuthorizationType.NONE,
      allowed: 'no super users unless authorization.type is simple',
    },
    { prop: 'clusterDomain', value: (s) => s.clusterDomain, check: isDnsSubdomain, allowed: "a DNS domain such as 'cluster.local' (no trailing dot)" },
  ];
}

/** The whole rule table of a StrimziKafka. */
export function strimziKafkaRules(s: StrimziKafkaSettings): ValidationRule<StrimziKafkaSettings>[] {
  return [
    ...clusterRules(),
    ...listenerRules(s),
    ...nodePoolRules(s),
    ...configRules(s),
  ];
}
