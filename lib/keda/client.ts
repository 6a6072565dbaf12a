/**
 * How a Kafka client (KEDA's scaler, the sample consumer) is wired to an IKafkaCluster: the listener's
 * connection, the credentials and the rules that keep them consistent. Shared by KafkaLagScaler and
 * KafkaConsumerSample.
 */
import { IConstruct } from 'constructs';
import { resolveNamespace } from '../common/naming';
import { isDnsSubdomain, ValidationRule } from '../common/validation';
import { IKafkaCluster, IKafkaTopic, IKafkaUser, KafkaAuthentication, KafkaCredentials, KafkaListenerConnection } from '../kafka/cluster';

/** Props every client construct takes to reach a cluster. */
export interface KafkaClientWiring {
  readonly cluster: IKafkaCluster;
  readonly topic?: IKafkaTopic;
  readonly namespace?: string;
  readonly listenerName?: string;
  readonly credentials?: KafkaCredentials;
  readonly user?: IKafkaUser;
}

/** The resolved wiring. */
export interface KafkaClientSettings {
  readonly namespace: string;
  readonly cluster: IKafkaCluster;
  readonly topic?: IKafkaTopic;
  /** The listener asked for, or the default listener's name once the connection is known. */
  readonly listenerName?: string;
  /** The listener's connection; undefined when `listenerName` is not a listener of the cluster. */
  readonly connection?: KafkaListenerConnection;
  /** Where the credentials came from. */
  readonly credentialsFrom: 'credentials' | 'user' | 'both' | 'none';
  readonly credentials?: KafkaCredentials;
  /** The `user` prop's cluster (checked against `cluster`). */
  readonly userCluster?: IKafkaCluster;
}

/** Reads the listener's connection, or undefined when the listener is unknown to the cluster. */
function connectionOf(cluster: IKafkaCluster, listenerName?: string): KafkaListenerConnection | undefined {
  if (listenerName !== undefined && !cluster.listenerNames.includes(listenerName)) return undefined;
  try {
    return cluster.connection(listenerName);
  } catch {
    return undefined;
  }
}

/** Resolves the wiring (the namespace defaults to the chart's). */
export function resolveKafkaClient(scope: IConstruct, kind: string, w: KafkaClientWiring): KafkaClientSettings {
  const connection = connectionOf(w.cluster, w.listenerName);
  return {
    namespace: resolveNamespace(scope, kind, w.namespace),
    cluster: w.cluster,
    topic: w.topic,
    listenerName: w.listenerName ?? connection?.listenerName,
    connection,
    credentialsFrom: w.credentials && w.user ? 'both' : w.credentials ? 'credentials' : w.user ? 'user' : 'none',
    credentials: w.credentials ?? w.user?.credentials,
    userCluster: w.user?.cluster,
  };
}

/** True when the mechanism is SASL/SCRAM. */
export function isScram(a: KafkaAuthentication): boolean {
  return a === KafkaAuthentication.SCRAM_SHA_256 || a === KafkaAuthentication.SCRAM_SHA_512;
}

/**
 * Rules for the wiring: listener, topic and user on the same cluster, credentials that fit the listener, client
 * certificate and key together, and the namespace of the Secrets.
 * @param secretReader what reads the Secrets, for the namespace message
 */
export function kafkaClientRules<T extends KafkaClientSettings>(secretReader: string): ValidationRule<T>[] {
  return [
    {
      prop: 'listenerName',
      value: (s) => s.listenerName,
      check: (_v, s) => s.connection !== undefined,
      allowed: (s) => `a listener of cluster '${s.cluster.clusterName}': ${s.cluster.listenerNames.join(', ')}`,
    },
    {
      prop: 'topic',
      when: (s) => s.topic !== undefined,
      value: (s) => `${s.topic!.topicName} on cluster '${s.topic!.cluster.clusterName}' (namespace ${s.topic!.cluster.namespace})`,
      check: (_v, s) => s.topic!.cluster === s.cluster,
      allowed: (s) => `a topic of cluster '${s.cluster.clusterName}' (namespace ${s.cluster.namespace}), the one passed as \`cluster\``,
    },
    {
      prop: 'credentials',
      when: (s) => s.credentialsFrom === 'both',
      value: () => 'both credentials and user',
      check: () => false,
      allowed: 'either `credentials` or `user`, not both',
    },
    {
      prop: 'user',
      when: (s) => s.credentialsFrom === 'user',
      value: (s) => `a user of cluster '${s.userCluster?.clusterName}'`,
      check: (_v, s) => s.userCluster === s.cluster,
      allowed: (s) => `a user of cluster '${s.cluster.clusterName}', the one passed as \`cluster\``,
    },
    {
      prop: 'credentials',
      when: (s) => s.connection !== undefined && s.connection.authentication !== KafkaAuthentication.NONE,
      value: (s) => s.credentials,
      check: (v) => v !== undefined,
      allowed: (s) => `credentials (or a user) for ${s.connection!.authentication}: listener '${s.connection!.listenerName}' authenticates clients`,
    },
    {
      prop: 'credentials.authentication',
      when: (s) => s.connection !== undefined && s.credentials !== undefined,
      value: (s) => s.credentials!.authentication,
      check: (v, s) => v === s.connection!.authentication,
      allowed: (s) => `'${s.connection!.authentication}', the authentication of listener '${s.connection!.listenerName}'`,
    },
    {
      prop: 'credentials.username',
      when: (s) => s.credentials !== undefined && isScram(s.credentials.authentication),
      value: (s) => s.credentials!.username,
      check: (v) => typeof v === 'string' && v.length > 0 && v.trim() === v && !/[\r\n]/.test(v),
      allowed: 'a non-empty user name without surrounding whitespace or line breaks',
    },
    {
      prop: 'credentials.passwordSecret',
      when: (s) => s.credentials !== undefined && isScram(s.credentials.authentication),
      value: (s) => s.credentials!.passwordSecret,
      check: (v) => v !== undefined && isDnsSubdomain(v.secretName) && typeof v.key === 'string' && v.key.length > 0,
      allowed: 'a Secret name and key holding the SCRAM password',
    },
    {
      prop: 'credentials.certificateSecret',
      when: (s) => s.credentials !== undefined,
      value: (s) => ({ certificateSecret: s.credentials!.certificateSecret, keySecret: s.credentials!.keySecret }),
      check: (v) => (v.certificateSecret === undefined) === (v.keySecret === undefined),
      allowed: 'certificateSecret and keySecret together (a client certificate is useless without its key, and KEDA rejects either alone)',
    },
    {
      prop: 'credentials.certificateSecret',
      when: (s) => s.credentials?.authentication === KafkaAuthentication.MTLS,
      value: (s) => s.credentials!.certificateSecret,
      check: (v) => v !== undefined,
      allowed: 'a client certificate and key for mutual TLS',
    },
    {
      prop: 'credentials.certificateSecret',
      when: (s) => s.connection !== undefined && s.credentials?.certificateSecret !== undefined,
      value: (s) => s.credentials!.certificateSecret,
      check: (_v, s) => s.connection!.tlsCaSecret !== undefined,
      allowed: (s) => `no client certificate: listener '${s.connection!.listenerName}' is not a TLS listener`,
    },
    {
      prop: 'namespace',
      when: (s) => s.connection !== undefined && (s.connection.tlsCaSecret !== undefined || s.credentials !== undefined),
      value: (s) => s.namespace,
      check: (v, s) => v === s.cluster.namespace,
      allowed: (s) =>
        `the cluster's namespace '${s.cluster.namespace}': ${secretReader} reads the CA and credential Secrets, which live next to the cluster, and Secrets cannot be read across namespaces`,
    },
  ];
}
