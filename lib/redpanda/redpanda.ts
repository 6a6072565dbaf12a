import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../../imports/monitoring.coreos.com';
import { IngressPolicy, tcpPolicyPort } from '../common/ingress-policy';
import { envFromSecret } from '../common/secret-ref';
import { NetworkPeer } from '../common/network-policy';
import { ContentNamedJob } from '../common/content-named-job';
import { commonLabels, ComponentIdentity, HEADLESS_SERVICE_LABEL, selectorLabels } from '../common/labels';
import { resolveNamespace } from '../common/naming';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/security';
import { claimTemplate, clientService, headlessService, onePodAtATimeBudget, statefulWorkloadSpec, tcpContainerPort, tcpServicePort } from '../common/stateful';
import { spreadAffinity } from '../common/scheduling';
import { IKafkaCluster, IKafkaTopic, KafkaAuthentication, KafkaCredentials, KafkaListenerConnection } from '../kafka/cluster';
import {
  bootstrapServers,
  brokerAddresses,
  JobAcl,
  redpandaNames,
  renderBootstrap,
  renderConfigureScript,
  renderLifecycleScript,
  renderNodeConfig,
  renderStartScript,
} from './model';
import { LISTENER, PATHS, REDPANDA_PORT_NAMES, REDPANDA_PORTS, REDPANDA_UID } from './ports';
import { RedpandaProps, ScramMechanism } from './props';
import { RedpandaSettings, resolveRedpanda } from './settings';
import { emitCertManager } from './tls';
import { RedpandaTopic } from './topic';
import { validateRedpanda } from './validate';

/** Annotation on the StatefulSet: local port of broker 0's port-forward listener (broker i: base + i). */
export const PORT_FORWARD_BASE_ANNOTATION = 'datastream.cdk8s.io/port-forward-base';

const q = (v: string) => k8s.Quantity.fromString(v);

/**
 * A Redpanda cluster (Kafka API) on a plain StatefulSet: no operator, no privileged tuning, no configurator
 * init container. Advertised addresses are computed at synth time; the seed's drills work against it
 * (`kubectl port-forward svc/<name> 9092:9092`, then `kcat -b localhost:9092`).
 *
 * It implements {@link IKafkaCluster}, so KEDA scalers and application charts wire to it by reference.
 */
export class Redpanda extends Construct implements IKafkaCluster {
  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly brokerCount: number;
  public readonly flavor = 'redpanda';
  public readonly brokerSelector: { [key: string]: string };
  public readonly listenerNames = [LISTENER.internal];
  /** Resolved settings (every default applied). */
  public readonly settings: RedpandaSettings;
  /** Name of the client Service (ports kafka 9093, kafka-local 9092, admin, http, schemaregistry). */
  public readonly serviceName: string;
  /** Name of the headless Service (per-broker DNS names). */
  public readonly headlessServiceName: string;
  /** Admin API URL through the client Service. */
  public readonly adminUrl: string;
  /** The StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  private readonly topics: RedpandaTopic[] = [];
  private readonly acls: JobAcl[] = [];
  private readonly ingress: IngressPolicy;
  private readonly jobLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: RedpandaProps = {}) {
    super(scope, id);
    const namespace = resolveNamespace(this, 'Redpanda', props.namespace);
    const s = resolveRedpanda(id, namespace, props);
    validateRedpanda(this, s);
    this.settings = s;
    this.clusterName = s.name;
    this.namespace = namespace;
    this.brokerCount = s.replicas;
    const n = redpandaNames(s);
    this.serviceName = n.clientService;
    this.headlessServiceName = n.headlessService;
    this.adminUrl = `${s.tls ? 'https' : 'http'}://${n.clientService}.${namespace}.svc.${s.clusterDomain}:${REDPANDA_PORTS.admin}`;

    const identity: ComponentIdentity = { app: 'redpanda', instance: s.name, component: 'broker', version: s.image.split(':').pop() };
    const selector = selectorLabels(identity);
    const labels = commonLabels(identity);
    this.brokerSelector = selector;
    const meta = (name: string) => ({ name, namespace, labels });

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: meta(n.serviceAccount), automountServiceAccountToken: false });

    // Node config, first-start cluster config and scripts: one ConfigMap, hashed into the pod template.
    const configData = {
      'redpanda.yaml': renderNodeConfig(s),
      'bootstrap.yaml': renderBootstrap(s),
      'start.sh': renderStartScript(s),
      ...(s.replicas >= 3 ? { 'lifecycle.sh': renderLifecycleScript(s) } : {}),
    };
    new k8s.KubeConfigMap(this, 'config', { metadata: meta(n.config), data: configData });

    const port = tcpServicePort;
    const svc = (name: string) => ({ name, namespace, labels, selector });
    headlessService(this, 'headless-service', {
      ...svc(n.headlessService),
      ports: [
        port(REDPANDA_PORT_NAMES.admin, REDPANDA_PORTS.admin),
        port(REDPANDA_PORT_NAMES.kafka, REDPANDA_PORTS.kafka),
        port(REDPANDA_PORT_NAMES.http, REDPANDA_PORTS.http),
        port(REDPANDA_PORT_NAMES.schemaRegistry, REDPANDA_PORTS.schemaRegistry),
        port(REDPANDA_PORT_NAMES.rpc, REDPANDA_PORTS.rpc),
      ],
    });
    clientService(this, 'service', {
      ...svc(n.clientService),
      ports: [
        port(REDPANDA_PORT_NAMES.kafka, REDPANDA_PORTS.kafka),
        ...(s.portForward ? [port(REDPANDA_PORT_NAMES.kafkaLocal, REDPANDA_PORTS.kafkaLocal)] : []),
        port(REDPANDA_PORT_NAMES.admin, REDPANDA_PORTS.admin),
        port(REDPANDA_PORT_NAMES.http, REDPANDA_PORTS.http),
        port(REDPANDA_PORT_NAMES.schemaRegistry, REDPANDA_PORTS.schemaRegistry),
      ],
    });
    if (s.external) {
      for (let i = 0; i < s.replicas; i++) {
        new k8s.KubeService(this, `external-${i}`, {
          metadata: meta(n.externalService(i)),
          spec: {
            type: 'NodePort',
            externalTrafficPolicy: 'Cluster',
            publishNotReadyAddresses: true,
            selector: { ...selector, 'statefulset.kubernetes.io/pod-name': n.pod(i) },
            ports: [{ ...port(REDPANDA_PORT_NAMES.kafkaExternal, REDPANDA_PORTS.kafkaExternal), nodePort: s.external.nodePortBase + i }],
          },
        });
      }
    }

    if (s.tls?.certManager) emitCertManager(this, s, labels);

    const env = this.rpkEnv(s, `$(POD_NAME).${n.headlessService}.${namespace}.svc.${s.clusterDomain}`);
    const tlsMount = s.tls ? [{ name: 'tls', mountPath: PATHS.tls, readOnly: true }] : [];
    const tlsVolume = s.tls ? [{ name: 'tls', secret: { secretName: s.tls.secretName, defaultMode: 0o440 } }] : [];
    const sizingRequests = { cpu: q(s.cpu), memory: q(s.memory) };
    const scheme = s.tls ? 'HTTPS' : 'HTTP';
    const ready = { path: '/v1/status/ready', port: k8s.IntOrString.fromString(REDPANDA_PORT_NAMES.admin), scheme };
    const lifecycle =
      s.replicas >= 3
        ? {
            preStop: { exec: { command: ['/bin/bash', `${PATHS.configSource}/lifecycle.sh`, 'drain'] } },
            postStart: { exec: { command: ['/bin/bash', `${PATHS.configSource}/lifecycle.sh`, 'undrain'] } },
          }
        : undefined;
    const containerPort = tcpContainerPort;

    this.statefulSet = new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: {
        ...meta(n.statefulSet),
        annotations: s.portForward ? { [PORT_FORWARD_BASE_ANNOTATION]: String(s.portForward.basePort) } : undefined,
      },
      spec: statefulWorkloadSpec({
        serviceName: n.headlessService,
        replicas: s.replicas,
        selector,
        labels,
        configData,
        serviceAccountName: n.serviceAccount,
        terminationGracePeriodSeconds: 90,
        runAsUser: REDPANDA_UID,
        scheduling: spreadAffinity(selector, s.antiAffinity),
        containers: [
          {
            name: 'redpanda',
            image: s.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['/bin/bash', `${PATHS.configSource}/start.sh`],
            env,
            ports: [
              containerPort(REDPANDA_PORT_NAMES.admin, REDPANDA_PORTS.admin),
              containerPort(REDPANDA_PORT_NAMES.kafka, REDPANDA_PORTS.kafka),
              ...(s.portForward ? [containerPort(REDPANDA_PORT_NAMES.kafkaLocal, REDPANDA_PORTS.kafkaLocal)] : []),
              ...(s.external ? [containerPort(REDPANDA_PORT_NAMES.kafkaExternal, REDPANDA_PORTS.kafkaExternal)] : []),
              containerPort(REDPANDA_PORT_NAMES.http, REDPANDA_PORTS.http),
              containerPort(REDPANDA_PORT_NAMES.schemaRegistry, REDPANDA_PORTS.schemaRegistry),
              containerPort(REDPANDA_PORT_NAMES.rpc, REDPANDA_PORTS.rpc),
            ],
            resources: {
              requests: sizingRequests,
              limits: s.guaranteedQos ? sizingRequests : { memory: q(s.memory) },
            },
            startupProbe: { httpGet: ready, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 120 },
            readinessProbe: { httpGet: ready, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
            livenessProbe: {
              tcpSocket: { port: k8s.IntOrString.fromString(REDPANDA_PORT_NAMES.admin) },
              periodSeconds: 10,
              timeoutSeconds: 5,
              failureThreshold: 3,
            },
            lifecycle,
            securityContext: restrictedContainerSecurityContext({ runAsUser: REDPANDA_UID, readOnlyRootFilesystem: true }),
            volumeMounts: [
              { name: 'datadir', mountPath: PATHS.data },
              { name: 'config', mountPath: PATHS.config },
              { name: 'config-source', mountPath: PATHS.configSource, readOnly: true },
              { name: 'tmp', mountPath: PATHS.tmp },
              ...tlsMount,
            ],
          },
        ],
        volumes: [
          { name: 'config', emptyDir: {} },
          { name: 'config-source', configMap: { name: n.config, defaultMode: 0o444 } },
          { name: 'tmp', emptyDir: {} },
          ...tlsVolume,
        ],
        volumeClaimTemplates: [claimTemplate('datadir', selector, s.storageSize, s.storageClassName)],
      }),
    });

    if (s.replicas > 1) {
      onePodAtATimeBudget(this, 'pdb', meta(n.pdb), selector);
    }

    if (s.serviceMonitor) {
      new ServiceMonitor(this, 'service-monitor', {
        metadata: meta(s.name),
        spec: {
          // Only the headless Service: the client Service selects the same pods and would double every target.
          selector: { matchLabels: { ...selector, [HEADLESS_SERVICE_LABEL]: 'true' } },
          endpoints: [
            {
              port: REDPANDA_PORT_NAMES.admin,
              path: '/public_metrics',
              interval: '30s',
              scheme: s.tls ? ServiceMonitorSpecEndpointsScheme.HTTPS : ServiceMonitorSpecEndpointsScheme.HTTP,
              tlsConfig: s.tls ? { ca: { secret: { name: s.tls.secretName, key: 'ca.crt' } }, serverName: `${n.clientService}.${namespace}.svc` } : undefined,
            },
          ],
        },
      });
    }

    // The configure Job: cluster properties, SASL users and topics, idempotent; its name carries a hash of its
    // spec, so unchanged output re-applies as a no-op and a change runs a new Job.
    for (const t of props.topics ?? []) this.addTopic(t.topicName, t);
    const jobLabels = commonLabels({ ...identity, component: 'configure' });
    this.jobLabels = selectorLabels({ ...identity, component: 'configure' });
    const clientPorts = [REDPANDA_PORTS.kafka, REDPANDA_PORTS.admin, REDPANDA_PORTS.http, REDPANDA_PORTS.schemaRegistry].map(tcpPolicyPort);
    this.ingress = new IngressPolicy(this, 'Redpanda.allowFrom', {
      name: s.name,
      namespace,
      labels,
      podSelector: selector,
      rules: (admitted) => [
        // Brokers talk to each other on every port (Raft RPC, Kafka, admin).
        { from: [{ podSelector: { matchLabels: selector } }], ports: [...clientPorts, tcpPolicyPort(REDPANDA_PORTS.rpc)] },
        // The configure Job creates topics and users.
        { from: [{ podSelector: { matchLabels: this.jobLabels } }], ports: [tcpPolicyPort(REDPANDA_PORTS.kafka), tcpPolicyPort(REDPANDA_PORTS.admin)] },
        ...(admitted.length ? [{ from: admitted, ports: clientPorts }] : []),
        // The external listener is meant for clients outside the cluster.
        ...(s.external ? [{ ports: [tcpPolicyPort(REDPANDA_PORTS.kafkaExternal)] }] : []),
      ],
    });
    if (props.networkPolicy) {
      this.ingress.ensure();
      this.allowFrom(...(props.networkPolicy.allowFrom ?? []));
    }
    new ContentNamedJob(this, 'configure-job', n.configureJob, {
      metadata: { namespace, labels: jobLabels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 1200,
        template: {
          metadata: { labels: jobLabels },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            serviceAccountName: n.serviceAccount,
            securityContext: restrictedPodSecurityContext({ runAsUser: REDPANDA_UID }),
            containers: [
              {
                name: 'configure',
                image: s.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/bash', '-c'],
                args: [Lazy.any({ produce: () => renderConfigureScript(s, this.topics, this.acls) }) as unknown as string],
                env: this.rpkEnv(s, undefined),
                resources: { requests: { cpu: q('50m'), memory: q('64Mi') }, limits: { memory: q('256Mi') } },
                securityContext: restrictedContainerSecurityContext({ runAsUser: REDPANDA_UID, readOnlyRootFilesystem: true }),
                volumeMounts: [
                  { name: 'tmp', mountPath: PATHS.tmp },
                  ...tlsMount,
                  ...(s.sasl ? [{ name: 'users', mountPath: PATHS.users, readOnly: true }] : []),
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: {} },
              ...tlsVolume,
              ...(s.sasl ? [{ name: 'users', secret: { secretName: s.sasl.usersSecretName, defaultMode: 0o440 } }] : []),
            ],
          },
        },
      },
    });
  }

  /**
   * Declares a topic; the configure Job creates it (no operator needed).
   * @param topicName the Kafka topic name
   */
  public addTopic(topicName: string, options: AddRedpandaTopicOptions = {}): RedpandaTopic {
    if (this.topics.some((t) => t.topicName === topicName)) {
      throw new Error(`[${this.node.path}] Redpanda addTopic: topic '${topicName}' is declared twice; allowed: each topic name once`);
    }
    const topic = new RedpandaTopic(this, `topic-${topicName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`, { ...options, topicName, cluster: this });
    this.topics.push(topic);
    return topic;
  }

  /**
   * Admits pods to the client ports (Kafka, admin, HTTP proxy, schema registry) through this cluster's
   * NetworkPolicy, creating the policy on first use: from then on only the brokers, the configure Job and the
   * admitted pods reach the brokers.
   */
  public allowFrom(...peers: NetworkPeer[]): void {
    if (peers.length) this.ingress.admit(...peers);
    else this.ingress.ensure();
  }

  /** Peers admitted so far. */
  public get allowedClients(): NetworkPeer[] {
    return this.ingress.admitted;
  }

  /** Topics declared on this cluster. */
  public get declaredTopics(): RedpandaTopic[] {
    return [...this.topics];
  }

  public connection(listenerName?: string): KafkaListenerConnection {
    const name = listenerName ?? LISTENER.internal;
    if (name !== LISTENER.internal) {
      throw new Error(
        `[${this.node.path}] Redpanda connection: listener '${name}' is not reachable from inside the cluster; allowed: ${this.listenerNames.join(', ')}`,
      );
    }
    const s = this.settings;
    return {
      listenerName: name,
      bootstrapServers: bootstrapServers(s),
      port: REDPANDA_PORTS.kafka,
      tlsCaSecret: s.tls ? { secretName: s.tls.secretName, key: 'ca.crt' } : undefined,
      authentication: s.sasl ? (s.sasl.mechanism === ScramMechanism.SCRAM_SHA_256 ? KafkaAuthentication.SCRAM_SHA_256 : KafkaAuthentication.SCRAM_SHA_512) : KafkaAuthentication.NONE,
    };
  }

  /**
   * Credentials of a SASL user declared in `sasl.superusers` or `sasl.users`: the password is the user's key in
   * the users Secret.
   */
  public userCredentials(username: string): KafkaCredentials {
    const sasl = this.settings.sasl;
    if (!sasl || !sasl.users.includes(username)) {
      throw new Error(
        `[${this.node.path}] Redpanda userCredentials: '${username}' is not a SASL user of this cluster; allowed: ${sasl ? sasl.users.join(', ') : 'none (sasl is off)'}`,
      );
    }
    return {
      username,
      authentication: this.connection().authentication,
      passwordSecret: { secretName: sasl.usersSecretName, key: username },
    };
  }

  /**
   * Lets a SASL user consume a topic in a consumer group (Read and Describe on both); the configure Job creates
   * the ACLs. Needed for every non-superuser, since SASL turns on authorization.
   */
  public grantConsume(username: string, topic: IKafkaTopic, consumerGroup: string): void {
    this.checkGrant('grantConsume', username, topic);
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(consumerGroup)) {
      throw new Error(`[${this.node.path}] Redpanda grantConsume prop 'consumerGroup': '${consumerGroup}' is invalid; allowed: 1-249 characters of [a-zA-Z0-9._-]`);
    }
    this.acls.push({ principal: username, resourceType: 'topic', resourceName: topic.topicName, operations: ['read', 'describe'] });
    this.acls.push({ principal: username, resourceType: 'group', resourceName: consumerGroup, operations: ['read', 'describe'] });
  }

  /** Lets a SASL user produce to a topic (Write and Describe); the configure Job creates the ACL. */
  public grantProduce(username: string, topic: IKafkaTopic): void {
    this.checkGrant('grantProduce', username, topic);
    this.acls.push({ principal: username, resourceType: 'topic', resourceName: topic.topicName, operations: ['write', 'describe'] });
  }

  private checkGrant(method: string, username: string, topic: IKafkaTopic): void {
    const users = this.settings.sasl?.users ?? [];
    if (!users.includes(username)) {
      throw new Error(`[${this.node.path}] Redpanda ${method} prop 'username': '${username}' is invalid; allowed: a SASL user of this cluster (${users.join(', ') || 'none: sasl is off'})`);
    }
    if (topic.cluster !== this) {
      throw new Error(`[${this.node.path}] Redpanda ${method} prop 'topic': '${topic.topicName}' is invalid; allowed: a topic of this cluster (${this.topics.map((t) => t.topicName).join(', ')})`);
    }
  }

  /** Environment for rpk (and the bootstrap user) in the brokers (`self` set) or the configure Job. */
  private rpkEnv(s: RedpandaSettings, self: string | undefined): k8s.EnvVar[] {
    const env: k8s.EnvVar[] = [];
    if (self) env.push({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    env.push({ name: 'HOME', value: PATHS.tmp });
    env.push({ name: 'RPK_BROKERS', value: self ? `${self}:${REDPANDA_PORTS.kafka}` : brokerAddresses(s, REDPANDA_PORTS.kafka).join(',') });
    env.push({ name: 'RPK_ADMIN_HOSTS', value: self ? `${self}:${REDPANDA_PORTS.admin}` : brokerAddresses(s, REDPANDA_PORTS.admin).join(',') });
    if (s.tls) {
      env.push(
        { name: 'RPK_TLS_ENABLED', value: 'true' },
        { name: 'RPK_TLS_CA', value: `${PATHS.tls}/ca.crt` },
        { name: 'RPK_ADMIN_TLS_ENABLED', value: 'true' },
        { name: 'RPK_ADMIN_TLS_CA', value: `${PATHS.tls}/ca.crt` },
      );
    }
    if (s.sasl) {
      const admin = s.sasl.superusers[0];
      env.push(
        { name: 'RPK_USER', value: admin },
        envFromSecret('RPK_PASS', { secretName: s.sasl.usersSecretName, key: admin }),
        { name: 'RPK_SASL_MECHANISM', value: s.sasl.mechanism },
      );
      if (self) env.push({ name: 'RP_BOOTSTRAP_USER', value: `${admin}:$(RPK_PASS):${s.sasl.mechanism}` });
    }
    return env;
  }
}

/** Options of {@link Redpanda.addTopic}. */
export interface AddRedpandaTopicOptions {
  /** Partition count. @default 1 */
  readonly partitions?: number;
  /** Replication factor. @default - min(3, broker count) */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'retention.ms': '86400000' }`. @default - none */
  readonly config?: { [key: string]: string };
}

