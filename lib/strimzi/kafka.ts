import { Construct } from 'constructs';
import { Kafka, KafkaNodePool, KafkaSpecKafkaAuthorizationType } from '../../imports/kafka.strimzi.io';
import { commonLabels } from '../common/labels';
import { resolveNamespace, serviceFqdn } from '../common/naming';
import { failureMessage, validate, warn } from '../common/validation';
import { IKafkaCluster, KafkaAuthentication, KafkaListenerConnection, SecretKeyReference } from '../kafka/cluster';
import { configInt } from './broker-config';
import {
  isInClusterListener,
  listenerNodePorts,
  renderListener,
  ResolvedListener,
  StrimziListenerAuthentication,
  StrimziListenerType,
  toKafkaAuthentication,
  unknownBrokerIds,
} from './listeners';
import {
  bootstrapServiceName,
  clientsCaCertSecretName,
  clusterCaCertSecretName,
  listenerBootstrapServiceName,
  NEXT_NODE_IDS_ANNOTATION,
  nodePodName,
  perBrokerServiceName,
  STRIMZI_CLUSTER_LABEL,
} from './names';
import { nodeIdRange, poolNodeIds, renderNodePoolSpec, StrimziNodeRole, strimziContainerSecurityContext, strimziPodSecurityContext } from './node-pools';
import { StrimziProfile } from './presets';
import { resolveStrimziKafka, StrimziAuthorizationType, StrimziKafkaProps, StrimziKafkaSettings, strimziKafkaRules } from './settings';
import { StrimziKafkaTopic, StrimziKafkaTopicOptions } from './topic';
import { StrimziKafkaUser, StrimziKafkaUserOptions } from './user';

/** One broker's Service of an external listener. */
export interface StrimziBrokerService {
  /** The broker's node ID. */
  readonly nodeId: number;
  /** The broker's pod. */
  readonly podName: string;
  /** The per-broker Service the operator creates. */
  readonly serviceName: string;
  /** Its pinned node port (nodeport listeners with pinned ports). @default - assigned by Kubernetes */
  readonly nodePort?: number;
}

/** How clients outside the cluster reach a nodeport or loadbalancer (or route/ingress) listener. */
export interface StrimziExternalAccess {
  /** The listener. */
  readonly listenerName: string;
  /** Its type (nodeport, loadbalancer, route or ingress). */
  readonly type: StrimziListenerType;
  /** The listener's bootstrap Service (`<c>-kafka-<listener>-bootstrap`). */
  readonly bootstrapServiceName: string;
  /** Pinned node port of the bootstrap Service: clients use `<any node address>:<bootstrapNodePort>`. @default - assigned by Kubernetes */
  readonly bootstrapNodePort?: number;
  /** Per-broker Services, by ascending node ID. */
  readonly brokers: StrimziBrokerService[];
  /** CA clients must trust (TLS listeners). @default - none (plaintext listener) */
  readonly tlsCaSecret?: SecretKeyReference;
  /** How clients authenticate on the listener. */
  readonly authentication: KafkaAuthentication;
}

/**
 * A Kafka cluster run by the Strimzi cluster operator (1.2.0, `kafka.strimzi.io/v1`, KRaft only): one `Kafka`
 * and its `KafkaNodePool`s, with listeners, authorization and replication settings derived from the broker
 * count. Everything the operator would only reject at reconcile time (listener names, ports and per-type
 * configuration keys, pools covering both roles, replication factors against the broker count, KRaft metadata
 * volumes, forbidden config keys) fails the synth instead, naming the prop and the value.
 *
 * It implements {@link IKafkaCluster}, so KEDA scalers and application charts accept it in place of Redpanda:
 * `connection()` gives the bootstrap FQDN of a listener, the CA Secret to trust and how to authenticate.
 * Needs the Strimzi operator (and its CRDs) installed and watching the namespace.
 */
export class StrimziKafka extends Construct implements IKafkaCluster {
  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly brokerCount: number;
  public readonly flavor = 'strimzi';
  /** The bootstrap Service of the internal listeners, `<name>-kafka-bootstrap`. */
  public readonly serviceName: string;
  /** Labels of the broker pods (set by the operator): `strimzi.io/cluster`, `strimzi.io/kind`, `strimzi.io/broker-role`. */
  public readonly brokerSelector: { [key: string]: string };
  /** The internal and cluster-ip listeners (the ones `connection()` serves). */
  public readonly listenerNames: string[];
  /** Resolved settings (every default applied). */
  public readonly settings: StrimziKafkaSettings;
  /** The `Kafka` resource. */
  public readonly kafka: Kafka;
  /** The `KafkaNodePool` resources, in declaration order. */
  public readonly nodePools: KafkaNodePool[];
  /** Node IDs of the broker nodes (known at synth time through the pools' node-ID ranges), ascending. */
  public readonly brokerNodeIds: number[];
  /** Node IDs of the controller nodes, ascending. */
  public readonly controllerNodeIds: number[];
  /** The cluster CA certificate (trust it to connect to TLS listeners): `<c>-cluster-ca-cert` / `ca.crt`. */
  public readonly clusterCaSecret: SecretKeyReference;
  /** The clients CA certificate: signs KafkaUser certificates; it does NOT verify brokers. */
  public readonly clientsCaSecret: SecretKeyReference;
  /** True when KafkaUser ACLs are enforced (simple authorization). */
  public readonly authorizationEnabled: boolean;
  /** Prefix of the KafkaUser Secrets. */
  public readonly userSecretPrefix: string;
  /** The listener `connection()` uses by default. */
  public readonly defaultListenerName: string;
  private readonly topicPaths = new Map<string, string>();

  constructor(scope: Construct, id: string, props: StrimziKafkaProps = {}) {
    super(scope, id);
    const namespace = resolveNamespace(this, 'StrimziKafka', props.namespace);
    const s = resolveStrimziKafka(id, namespace, props);
    validate(this, 'StrimziKafka', s, strimziKafkaRules(s));
    this.settings = s;
    this.warnAboutRisks(s);

    const c = s.clusterName;
    this.clusterName = c;
    this.serviceName = bootstrapServiceName(c);
    this.namespace = namespace;
    this.brokerCount = s.brokerCount;
    this.brokerNodeIds = [...s.brokerNodeIds];
    this.controllerNodeIds = s.nodePools
      .filter((p) => p.roles.includes(StrimziNodeRole.CONTROLLER))
      .flatMap(poolNodeIds)
      .sort((a, b) => a - b);
    this.brokerSelector = { [STRIMZI_CLUSTER_LABEL]: c, 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' };
    this.listenerNames = s.listeners.filter(isInClusterListener).map((l) => l.name);
    this.defaultListenerName = s.defaultListener!;
    this.clusterCaSecret = { secretName: clusterCaCertSecretName(c), key: 'ca.crt' };
    this.clientsCaSecret = { secretName: clientsCaCertSecretName(c), key: 'ca.crt' };
    this.authorizationEnabled = s.authorization.type === StrimziAuthorizationType.SIMPLE;
    this.userSecretPrefix = s.userSecretPrefix;

    const labels = (component: string) => commonLabels({ app: 'kafka', instance: c, component, version: s.version });
    const podSecurityContext = strimziPodSecurityContext();
    const containerSecurityContext = strimziContainerSecurityContext();

    this.kafka = new Kafka(this, 'kafka', {
      metadata: { name: c, namespace, labels: labels('cluster') },
      spec: {
        kafka: {
          version: s.version,
          metadataVersion: s.metadataVersion,
          listeners: s.listeners.map((l) => renderListener(l, s.brokerNodeIds)),
          authorization: this.authorizationEnabled
            ? { type: KafkaSpecKafkaAuthorizationType.SIMPLE, superUsers: s.authorization.superUsers.length ? [...s.authorization.superUsers] : undefined }
            : undefined,
          config: { ...s.config },
        },
        entityOperator: {
          topicOperator: {},
          userOperator: s.userSecretPrefix ? { secretPrefix: s.userSecretPrefix } : {},
          template: {
            pod: { securityContext: podSecurityContext },
            topicOperatorContainer: { securityContext: containerSecurityContext },
            userOperatorContainer: { securityContext: containerSecurityContext },
          },
        },
      },
    });

    this.nodePools = s.nodePools.map(
      (p) =>
        new KafkaNodePool(this, `pool-${p.name}`, {
          metadata: {
            name: p.name,
            namespace,
            labels: { ...labels('node-pool'), [STRIMZI_CLUSTER_LABEL]: c },
            annotations: { [NEXT_NODE_IDS_ANNOTATION]: nodeIdRange(p) },
          },
          spec: renderNodePoolSpec(c, p),
        }),
    );
  }

  /**
   * How to reach an internal or cluster-ip listener from inside the cluster: the bootstrap Service FQDN and port,
   * the CA to trust (the cluster CA, or the custom certificate's CA) and the listener's authentication.
   * @param listenerName the listener. @default - `defaultListener` (the first internal or cluster-ip listener)
   */
  public connection(listenerName?: string): KafkaListenerConnection {
    const name = listenerName ?? this.defaultListenerName;
    const l = this.settings.listeners.find((x) => x.name === name);
    if (!l || !isInClusterListener(l)) {
      throw new Error(
        failureMessage(this, 'StrimziKafka', 'connection(listenerName)', name, `an internal or cluster-ip listener of this cluster: ${this.listenerNames.join(', ')}`) +
          (l ? ` (listener '${name}' is '${l.type}'; use externalAccess('${name}') for clients outside the cluster)` : ''),
      );
    }
    const service = l.type === StrimziListenerType.INTERNAL ? bootstrapServiceName(this.clusterName) : listenerBootstrapServiceName(this.clusterName, l.name);
    return {
      listenerName: l.name,
      bootstrapServers: `${serviceFqdn(service, this.namespace, this.settings.clusterDomain)}:${l.port}`,
      port: l.port,
      tlsCaSecret: this.caFor(l),
      authentication: toKafkaAuthentication(l.authentication),
    };
  }

  /**
   * How clients outside the cluster reach a nodeport, loadbalancer, route or ingress listener: the bootstrap
   * Service and, per broker, the Service and pinned node port. The advertised host names are only known at
   * runtime (`status.listeners[].bootstrapServers` of the Kafka resource).
   */
  public externalAccess(listenerName: string): StrimziExternalAccess {
    const l = this.settings.listeners.find((x) => x.name === listenerName);
    if (!l || isInClusterListener(l)) {
      const external = this.settings.listeners.filter((x) => !isInClusterListener(x)).map((x) => x.name);
      throw new Error(failureMessage(this, 'StrimziKafka', 'externalAccess(listenerName)', listenerName, `a nodeport, loadbalancer, route or ingress listener of this cluster: ${external.join(', ') || '(none defined)'}`));
    }
    const ports = listenerNodePorts(l, this.brokerNodeIds);
    const brokers: StrimziBrokerService[] = [];
    for (const p of this.settings.nodePools.filter((x) => x.roles.includes(StrimziNodeRole.BROKER))) {
      for (const id of poolNodeIds(p)) {
        brokers.push({ nodeId: id, podName: nodePodName(this.clusterName, p.name, id), serviceName: perBrokerServiceName(this.clusterName, p.name, l.name, id), nodePort: ports.brokers[id] });
      }
    }
    brokers.sort((a, b) => a.nodeId - b.nodeId);
    return {
      listenerName: l.name,
      type: l.type,
      bootstrapServiceName: listenerBootstrapServiceName(this.clusterName, l.name),
      bootstrapNodePort: ports.bootstrap,
      brokers,
      tlsCaSecret: this.caFor(l),
      authentication: toKafkaAuthentication(l.authentication),
    };
  }

  /** Pod names of the broker nodes (`<c>-<pool>-<nodeId>`), by ascending node ID. */
  public brokerPodNames(): string[] {
    return this.settings.nodePools
      .filter((p) => p.roles.includes(StrimziNodeRole.BROKER))
      .flatMap((p) => poolNodeIds(p).map((id) => ({ id, name: nodePodName(this.clusterName, p.name, id) })))
      .sort((a, b) => a.id - b.id)
      .map((x) => x.name);
  }

  /** Listener authentications clients can use on this cluster (any listener). */
  public listenerAuthentications(): StrimziListenerAuthentication[] {
    return [...new Set(this.settings.listeners.map((l) => l.authentication))];
  }

  /** Declares a KafkaTopic on this cluster (labelled `strimzi.io/cluster`, in the cluster's namespace). */
  public addTopic(id: string, spec: StrimziKafkaTopicOptions): StrimziKafkaTopic {
    return new StrimziKafkaTopic(this, id, { ...spec, cluster: this });
  }

  /** Declares a KafkaUser on this cluster; its credentials Secret is written by the User Operator. */
  public addUser(id: string, options: StrimziKafkaUserOptions = {}): StrimziKafkaUser {
    return new StrimziKafkaUser(this, id, { ...options, cluster: this });
  }

  /**
   * Path of the construct that declared a topic name on this cluster, if any.
   * @internal
   */
  public _topicDeclaredAt(topicName: string): string | undefined {
    return this.topicPaths.get(topicName);
  }

  /**
   * Records a declared topic name.
   * @internal
   */
  public _registerTopic(topicName: string, path: string): void {
    this.topicPaths.set(topicName, path);
  }

  private caFor(l: ResolvedListener): SecretKeyReference | undefined {
    if (!l.tls) return undefined;
    const custom = l.configuration.brokerCertificate;
    return custom ? { secretName: custom.secretName, key: custom.caCertificate ?? 'ca.crt' } : this.clusterCaSecret;
  }

  private warnAboutRisks(s: StrimziKafkaSettings): void {
    if (s.controllerCount > 1 && s.controllerCount % 2 === 0) {
      warn(this, `${s.controllerCount} controllers tolerate no more failures than ${s.controllerCount - 1}; use an odd number (3 or 5)`);
    }
    const rf = configInt(s.config['default.replication.factor']);
    const minIsr = configInt(s.config['min.insync.replicas']);
    if (rf > 1 && minIsr === rf) {
      warn(this, `min.insync.replicas (${minIsr}) equals default.replication.factor (${rf}): one broker down or rolling blocks acks=all producers`);
    }
    if (s.profile === StrimziProfile.PRODUCTION && s.brokerCount < 3) {
      warn(this, `production profile with ${s.brokerCount} broker(s): internal topics get replication factor ${Math.min(3, s.brokerCount)}, so losing a broker loses data or availability`);
    }
    if (s.authorization.type === StrimziAuthorizationType.SIMPLE) {
      for (const l of s.listeners.filter((x) => x.authentication === StrimziListenerAuthentication.NONE)) {
        warn(this, `listener '${l.name}' has no authentication while authorization is simple: its clients are User:ANONYMOUS and are denied unless ACLs allow User:ANONYMOUS`);
      }
    }
    for (const l of s.listeners) {
      const unknown = unknownBrokerIds(l, s.brokerNodeIds);
      if (unknown.length) warn(this, `listener '${l.name}' configures brokers ${unknown.join(', ')} that are not broker node IDs (${s.brokerNodeIds.join(', ')}); the operator ignores them`);
    }
  }
}
