import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../../imports/monitoring.coreos.com';
import { commonLabels, ComponentIdentity, HEADLESS_SERVICE_LABEL, selectorLabels } from '../common/labels';
import { IngressPolicy, tcpPolicyPort } from '../common/ingress-policy';
import { NetworkPeer } from '../common/network-policy';
import { resolveNamespace } from '../common/naming';
import { spreadAffinity } from '../common/scheduling';
import { restrictedContainerSecurityContext } from '../common/security';
import { claimTemplate, clientService, headlessService, onePodAtATimeBudget, statefulWorkloadSpec, tcpContainerPort, tcpServicePort } from '../common/stateful';
import { DatastreamValidationError, failureMessage } from '../common/validation';
import { envFromSecret, SecretKeyReference } from '../common/secret-ref';
import { grpcUrl, httpUrl, probeTimings, qdrantNames, renderConfig, renderStartScript } from './model';
import { QDRANT_CONFIG_FILES, QDRANT_PATHS, QDRANT_PORT_NAMES, QDRANT_PORTS, QDRANT_UID, QDRANT_VOLUMES } from './ports';
import { QdrantConnectionEnvOptions, QdrantProps } from './props';
import { QdrantSettings, resolveQdrant } from './settings';
import { validateQdrant } from './validate';

const KIND = 'Qdrant';
/** Label on the headless Service, so the ServiceMonitor selects it and not the client Service (no double scrapes). */
export const QDRANT_HEADLESS_LABEL = HEADLESS_SERVICE_LABEL;
const q = (v: string) => k8s.Quantity.fromString(v);

/**
 * A Qdrant deployment that application charts, the verify command and NetworkPolicies wire to by reference:
 * nobody types its address, its ports or the name of its API key Secret.
 */
export interface IQdrant extends IConstruct {
  /** Namespace of the peers. */
  readonly namespace: string;
  /** Name of the client Service (HTTP 6333, gRPC 6334), e.g. `qdrant`: `kubectl port-forward svc/<serviceName> 6333:6333`. */
  readonly serviceName: string;
  /** Name of the headless Service (per-peer DNS names, p2p 6335). */
  readonly headlessServiceName: string;
  /** REST URL through the client Service, e.g. `http://qdrant.lab.svc.cluster.local:6333`. */
  readonly url: string;
  /** gRPC URL through the client Service, e.g. `http://qdrant.lab.svc.cluster.local:6334`. */
  readonly grpcUrl: string;
  /** REST port (6333). */
  readonly httpPort: number;
  /** gRPC port (6334). */
  readonly grpcPort: number;
  /** Number of peers. */
  readonly replicas: number;
  /** Labels that select the Qdrant pods (for NetworkPolicies). */
  readonly podSelector: { [key: string]: string };
  /** Where the admin API key lives. @default - no API key */
  readonly apiKeySecret?: SecretKeyReference;
  /** Where the read-only API key lives. @default - no read-only key */
  readonly readOnlyApiKeySecret?: SecretKeyReference;
  /**
   * Environment variables for an application container: the URL and, when Qdrant has one, the API key from
   * its Secret (secretKeyRef; the value never appears in the output).
   */
  connectionEnv(options?: QdrantConnectionEnvOptions): k8s.EnvVar[];
  /** Admits these pods to the HTTP and gRPC ports; turns the NetworkPolicy on if it was off. */
  allowFrom(...peers: NetworkPeer[]): void;
}

/**
 * Qdrant on a plain StatefulSet, PodSecurity `restricted` by default: the `-unprivileged` image, no root init
 * container, a read-only root filesystem, configuration from typed props, API keys only through secretKeyRef.
 * With more than one replica the peers form a Raft cluster through the headless Service, with a PDB and
 * anti-affinity. The seed's drill works against it: `kubectl port-forward svc/qdrant 6333:6333 -n lab`, then
 * `curl http://localhost:6333/collections`.
 */
export class Qdrant extends Construct implements IQdrant {
  public readonly namespace: string;
  public readonly serviceName: string;
  public readonly headlessServiceName: string;
  public readonly url: string;
  public readonly grpcUrl: string;
  public readonly httpPort: number = QDRANT_PORTS.http;
  public readonly grpcPort: number = QDRANT_PORTS.grpc;
  public readonly replicas: number;
  public readonly podSelector: { [key: string]: string };
  public readonly apiKeySecret?: SecretKeyReference;
  public readonly readOnlyApiKeySecret?: SecretKeyReference;
  /** Resolved settings (every default applied). */
  public readonly settings: QdrantSettings;
  /** The StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The ConfigMap with config.yaml and start.sh. */
  public readonly configMap: k8s.KubeConfigMap;
  private readonly ingress: IngressPolicy;
  private readonly labels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: QdrantProps = {}) {
    super(scope, id);
    const namespace = resolveNamespace(this, KIND, props.namespace);
    const s = resolveQdrant(id, namespace, props);
    validateQdrant(this, s);
    this.settings = s;
    const n = qdrantNames(s);
    this.namespace = namespace;
    this.serviceName = n.clientService;
    this.headlessServiceName = n.headlessService;
    this.url = httpUrl(s);
    this.grpcUrl = grpcUrl(s);
    this.replicas = s.replicas;
    this.apiKeySecret = s.apiKeySecret;
    this.readOnlyApiKeySecret = s.readOnlyApiKeySecret;

    const identity: ComponentIdentity = { app: 'qdrant', instance: s.name, component: 'database', version: s.image.split('@')[0].split(':').pop() };
    const selector = selectorLabels(identity);
    const labels = commonLabels(identity);
    this.podSelector = selector;
    this.labels = labels;
    const meta = (name: string) => ({ name, namespace, labels });

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: meta(n.serviceAccount), automountServiceAccountToken: false });

    const configData = {
      [QDRANT_CONFIG_FILES.config]: renderConfig(s),
      [QDRANT_CONFIG_FILES.startScript]: renderStartScript(s),
    };
    this.configMap = new k8s.KubeConfigMap(this, 'config', { metadata: meta(n.config), data: configData });

    const port = tcpServicePort;
    const svc = (name: string) => ({ name, namespace, labels, selector });
    // No p2p on the client Service: the peer port accepts writes and belongs to the peers only.
    clientService(this, 'service', { ...svc(n.clientService), ports: [port(QDRANT_PORT_NAMES.http, QDRANT_PORTS.http), port(QDRANT_PORT_NAMES.grpc, QDRANT_PORTS.grpc)] });
    // Peers must resolve each other before they are Ready: readiness itself waits for consensus.
    headlessService(this, 'headless-service', {
      ...svc(n.headlessService),
      ports: [port(QDRANT_PORT_NAMES.http, QDRANT_PORTS.http), port(QDRANT_PORT_NAMES.grpc, QDRANT_PORTS.grpc), port(QDRANT_PORT_NAMES.p2p, QDRANT_PORTS.p2p)],
    });

    const env: k8s.EnvVar[] = [
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'QDRANT_INIT_FILE_PATH', value: QDRANT_PATHS.initFile },
      ...(s.apiKeySecret ? [envFromSecret('QDRANT__SERVICE__API_KEY', s.apiKeySecret)] : []),
      ...(s.readOnlyApiKeySecret ? [envFromSecret('QDRANT__SERVICE__READ_ONLY_API_KEY', s.readOnlyApiKeySecret)] : []),
    ];
    const containerPort = tcpContainerPort;
    const httpGet = (path: string) => ({ path, port: k8s.IntOrString.fromString(QDRANT_PORT_NAMES.http), scheme: 'HTTP' });
    const t = probeTimings(s);
    const snapshotsClaim = s.snapshotsSize !== undefined;

    this.statefulSet = new k8s.KubeStatefulSet(this, 'statefulset', {
      metadata: meta(n.statefulSet),
      // Parallel pod management: OrderedReady would deadlock a new cluster (peer 0 is not Ready until the others join).
      spec: statefulWorkloadSpec({
        serviceName: n.headlessService,
        replicas: s.replicas,
        selector,
        labels,
        configData,
        serviceAccountName: n.serviceAccount,
        terminationGracePeriodSeconds: 60,
        runAsUser: QDRANT_UID,
        scheduling: s.replicas > 1 ? spreadAffinity(selector, s.antiAffinity) : undefined,
        containers: [
          {
            name: 'qdrant',
            image: s.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['/bin/bash', `${QDRANT_PATHS.configDir}/${QDRANT_CONFIG_FILES.startScript}`],
            env,
            ports: [
              containerPort(QDRANT_PORT_NAMES.http, QDRANT_PORTS.http),
              containerPort(QDRANT_PORT_NAMES.grpc, QDRANT_PORTS.grpc),
              containerPort(QDRANT_PORT_NAMES.p2p, QDRANT_PORTS.p2p),
            ],
            resources: {
              requests: { cpu: q(s.cpu), memory: q(s.memory) },
              limits: { memory: q(s.memory) },
            },
            // Health endpoints need no API key. /livez answers once the HTTP server runs (after collections
            // load); /readyz, in cluster mode, also waits for consensus and local shards.
            startupProbe: { httpGet: httpGet('/livez'), ...t.startup },
            readinessProbe: { httpGet: httpGet('/readyz'), ...t.readiness },
            livenessProbe: { httpGet: httpGet('/livez'), ...t.liveness },
            // Let the endpoints controller take the pod out of the Services before Qdrant stops.
            lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
            securityContext: restrictedContainerSecurityContext({ runAsUser: QDRANT_UID, readOnlyRootFilesystem: true }),
            volumeMounts: [
              { name: QDRANT_VOLUMES.storage, mountPath: QDRANT_PATHS.storage },
              { name: QDRANT_VOLUMES.snapshots, mountPath: QDRANT_PATHS.snapshots },
              { name: QDRANT_VOLUMES.init, mountPath: QDRANT_PATHS.init },
              { name: QDRANT_VOLUMES.tmp, mountPath: QDRANT_PATHS.tmp },
              { name: QDRANT_VOLUMES.config, mountPath: QDRANT_PATHS.configDir, readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: QDRANT_VOLUMES.config, configMap: { name: n.config, defaultMode: 0o444 } },
          { name: QDRANT_VOLUMES.init, emptyDir: {} },
          { name: QDRANT_VOLUMES.tmp, emptyDir: {} },
          ...(snapshotsClaim ? [] : [{ name: QDRANT_VOLUMES.snapshots, emptyDir: {} }]),
        ],
        // Claim templates are immutable: only the selector labels (never the version) go on them.
        volumeClaimTemplates: [
          claimTemplate(QDRANT_VOLUMES.storage, selector, s.storageSize, s.storageClassName),
          ...(snapshotsClaim ? [claimTemplate(QDRANT_VOLUMES.snapshots, selector, s.snapshotsSize!, s.snapshotsStorageClassName)] : []),
        ],
      }),
    });

    if (s.replicas > 1) {
      // A peer stuck NotReady (e.g. waiting for shards) must not block node drains forever.
      onePodAtATimeBudget(this, 'pdb', meta(n.pdb), selector);
    }

    this.ingress = new IngressPolicy(this, `${KIND}.allowFrom`, {
      name: n.networkPolicy,
      namespace,
      labels: this.labels,
      podSelector: this.podSelector,
      rules: (admitted) => [
        // Peers talk to each other on p2p (Raft, shard streams) and REST (snapshot shard transfers).
        { from: [{ podSelector: { matchLabels: this.podSelector } }], ports: [QDRANT_PORTS.http, QDRANT_PORTS.grpc, QDRANT_PORTS.p2p].map(tcpPolicyPort) },
        ...(admitted.length ? [{ from: admitted, ports: [QDRANT_PORTS.http, QDRANT_PORTS.grpc].map(tcpPolicyPort) }] : []),
      ],
    });
    if (s.networkPolicy) this.allowFrom(...s.networkPolicy.allowFrom);

    if (s.serviceMonitor) {
      // /metrics needs a key once keys are set; prefer the read-only one.
      const key = s.readOnlyApiKeySecret ?? s.apiKeySecret;
      new ServiceMonitor(this, 'service-monitor', {
        metadata: meta(n.serviceMonitor),
        spec: {
          // The headless Service reaches every peer, Ready or not.
          selector: { matchLabels: { ...selector, [QDRANT_HEADLESS_LABEL]: 'true' } },
          endpoints: [
            {
              port: QDRANT_PORT_NAMES.http,
              path: '/metrics',
              interval: '30s',
              scrapeTimeout: '10s',
              scheme: ServiceMonitorSpecEndpointsScheme.HTTP,
              authorization: key ? { type: 'Bearer', credentials: { name: key.secretName, key: key.key } } : undefined,
            },
          ],
        },
      });
    }
  }

  public connectionEnv(options: QdrantConnectionEnvOptions = {}): k8s.EnvVar[] {
    const urlVariable = options.urlVariable ?? 'QDRANT_URL';
    const apiKeyVariable = options.apiKeyVariable ?? 'QDRANT_API_KEY';
    const failures: { prop: string; value: unknown; allowed: string }[] = [];
    const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
    if (!envName.test(urlVariable)) failures.push({ prop: 'urlVariable', value: urlVariable, allowed: 'an environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)' });
    if (!envName.test(apiKeyVariable)) failures.push({ prop: 'apiKeyVariable', value: apiKeyVariable, allowed: 'an environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)' });
    if (urlVariable === apiKeyVariable) failures.push({ prop: 'apiKeyVariable', value: apiKeyVariable, allowed: `a name other than urlVariable ('${urlVariable}')` });
    if (options.readOnly && !this.readOnlyApiKeySecret) {
      failures.push({ prop: 'readOnly', value: true, allowed: `false: Qdrant ${this.node.path} has no readOnlyApiKeySecret` });
    }
    if (failures.length) {
      throw new DatastreamValidationError(
        failures.map((f) => ({ path: this.node.path, prop: f.prop, value: f.value, message: failureMessage(this, `${KIND}.connectionEnv`, f.prop, f.value, f.allowed) })),
      );
    }
    const ref = options.readOnly ? this.readOnlyApiKeySecret : this.apiKeySecret;
    return [
      { name: urlVariable, value: this.url },
      ...(ref ? [envFromSecret(apiKeyVariable, ref)] : []),
    ];
  }

  public allowFrom(...peers: NetworkPeer[]): void {
    if (peers.length) this.ingress.admit(...peers);
    else this.ingress.ensure();
  }

  /** The peers admitted so far (besides the Qdrant peers themselves). */
  public get allowedClients(): NetworkPeer[] {
    return this.ingress.admitted;
  }
}

