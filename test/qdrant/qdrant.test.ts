/**
 * The Qdrant construct: snapshots, schema validation of every object (Kubernetes 1.28 and the ServiceMonitor CRD),
 * and targeted assertions on what the seed's drills, the verify command and PodSecurity `restricted` rely on.
 */
import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { CONFIG_HASH_ANNOTATION } from '../../lib/common/config-hash';
import { IMAGES, imageRef } from '../../lib/common/images';
import { LABEL_VERSION } from '../../lib/common/labels';
import { AntiAffinity } from '../../lib/common/scheduling';
import { DatastreamValidationError, warningsOf } from '../../lib/common/validation';
import { IQdrant, Qdrant, QDRANT_HEADLESS_LABEL, QdrantProps, QdrantQuantization } from '../../lib/qdrant';
import { validateCustomObjects } from '../util/crd-schema';
import { isBuiltinKind, validateK8sObjects } from '../util/schema';
import { all, errorOf, labChart, only, synth } from '../util/synth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { crdFile } = require('../../scripts/crds');

process.env.DATASTREAM_QUIET_WARNINGS = '1';

function build(props: QdrantProps = { name: 'qdrant' }, chart: Chart = labChart()) {
  const qd = new Qdrant(chart, 'qdrant', props);
  return { chart, qd, objs: synth(chart) };
}

const KEYS = { apiKeySecret: { secretName: 'qdrant-keys', key: 'api-key' }, readOnlyApiKeySecret: { secretName: 'qdrant-keys', key: 'read-only-api-key' } };
const CLUSTER: QdrantProps = {
  name: 'qdrant',
  replicas: 3,
  storage: { size: '20Gi', storageClassName: 'fast-ssd', snapshotsSize: '20Gi' },
  hnswIndex: { m: 32, efConstruct: 200 },
  quantization: QdrantQuantization.scalar({ quantile: 0.99 }),
  ...KEYS,
  antiAffinity: AntiAffinity.HARD,
  networkPolicy: { allowFrom: [{ podLabels: { app: 'chatbot' } }, { namespace: 'keda' }] },
  serviceMonitor: true,
};

const sts = (objs: any[]) => only(objs, 'StatefulSet', 'qdrant');
const container = (objs: any[]) => sts(objs).spec.template.spec.containers[0];
const podSpec = (objs: any[]) => sts(objs).spec.template.spec;
const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
const configOf = (objs: any[]) => parse(only(objs, 'ConfigMap', 'qdrant-config').data['config.yaml']);

let serviceMonitorCrd: string;
beforeAll(async () => {
  serviceMonitorCrd = await crdFile('monitoring.coreos.com', 'monitoring.coreos.com_servicemonitors.yaml');
});

describe('snapshots', () => {
  test('lab defaults (the drill: 1 replica, 1Gi)', () => expect(build().objs).toMatchSnapshot());
  test('cluster: 3 peers, keys, snapshots volume, NetworkPolicy, ServiceMonitor', () => expect(build(CLUSTER).objs).toMatchSnapshot());
});

describe('schema validation of every object', () => {
  test.each([
    ['lab defaults', { name: 'qdrant' }],
    ['cluster', CLUSTER],
    ['single node with keys and monitor', { ...KEYS, serviceMonitor: true, networkPolicy: {} }],
  ])('%s: Kubernetes 1.28 (no unknown fields) and the ServiceMonitor CRD', (_n, props) => {
    const objs = build(props as QdrantProps).objs;
    expect(validateK8sObjects(objs)).toEqual([]);
    expect(validateCustomObjects(objs, [serviceMonitorCrd], { isBuiltin: (o) => isBuiltinKind(o.apiVersion, o.kind) })).toEqual([]);
  });

  test('the schema checks can fail: a misspelt field is reported', () => {
    const objs = build().objs;
    const bad = JSON.parse(JSON.stringify(only(objs, 'StatefulSet')));
    bad.spec.template.spec.containers[0].readinesProbe = {};
    expect(validateK8sObjects([bad]).join('\n')).toMatch(/readinesProbe/);
    const sm = JSON.parse(JSON.stringify(only(build(CLUSTER).objs, 'ServiceMonitor')));
    sm.spec.endpoints[0].bearerTokn = 'x';
    expect(validateCustomObjects([sm], [serviceMonitorCrd]).join('\n')).toMatch(/bearerTokn/);
  });
});

describe('lab defaults: what the drill and the verify command rely on', () => {
  const { objs } = build();

  test('exactly these objects, none needing an operator', () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      ['ConfigMap/qdrant-config', 'Service/qdrant', 'Service/qdrant-headless', 'ServiceAccount/qdrant', 'StatefulSet/qdrant'].sort(),
    );
    expect(objs.every((o) => isBuiltinKind(o.apiVersion, o.kind))).toBe(true);
    expect(objs.every((o) => o.metadata.namespace === 'lab')).toBe(true);
  });

  test('client Service `qdrant`: http 6333 and grpc 6334, never p2p', () => {
    const svc = only(objs, 'Service', 'qdrant');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([
      ['http', 6333, 'http'],
      ['grpc', 6334, 'grpc'],
    ]);
    expect(svc.spec.selector).toEqual(sts(objs).spec.selector.matchLabels);
  });

  test('headless Service `qdrant-headless`: http, grpc, p2p 6335, not-ready addresses published', () => {
    const svc = only(objs, 'Service', 'qdrant-headless');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['http', 6333],
      ['grpc', 6334],
      ['p2p', 6335],
    ]);
    expect(sts(objs).spec.serviceName).toBe('qdrant-headless');
  });

  test('container ports match the Service target port names', () => {
    expect(container(objs).ports.map((p: any) => [p.name, p.containerPort])).toEqual([
      ['http', 6333],
      ['grpc', 6334],
      ['p2p', 6335],
    ]);
  });

  test('StatefulSet: 1 replica, Parallel, claim template qdrant-storage of 1Gi on the default StorageClass, retained', () => {
    const spec = sts(objs).spec;
    expect(spec.replicas).toBe(1);
    expect(spec.podManagementPolicy).toBe('Parallel');
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(spec.volumeClaimTemplates).toHaveLength(1);
    const vct = spec.volumeClaimTemplates[0];
    expect(vct.metadata.name).toBe('qdrant-storage');
    expect(vct.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    // Claim templates are immutable: no version label there.
    expect(vct.metadata.labels[LABEL_VERSION]).toBeUndefined();
  });

  test('the pinned unprivileged image from lib/common/images.ts', () => {
    expect(container(objs).image).toBe(imageRef(IMAGES.qdrant));
    expect(container(objs).image).toMatch(/-unprivileged$/);
    expect(container(objs).imagePullPolicy).toBe('IfNotPresent');
  });

  test('probes: /readyz, /livez and a startup probe on the http port, none with a key header', () => {
    const c = container(objs);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http', scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http', scheme: 'HTTP' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/livez', port: 'http', scheme: 'HTTP' });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(600);
    for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(p.httpGet.httpHeaders).toBeUndefined();
  });

  test('PodSecurity restricted: non-root uid 1000, seccomp, drop ALL, no escalation, read-only root, fsGroup OnRootMismatch', () => {
    const pod = podSpec(objs);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(objs).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.initContainers).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork ?? false).toBe(false);
  });

  test('read-only root with writable mounts where Qdrant writes', () => {
    const mounts = Object.fromEntries(container(objs).volumeMounts.map((m: any) => [m.mountPath, m]));
    expect(Object.keys(mounts).sort()).toEqual(['/qdrant/cdk8s', '/qdrant/init', '/qdrant/snapshots', '/qdrant/storage', '/tmp']);
    expect(mounts['/qdrant/cdk8s'].readOnly).toBe(true);
    const volumes = Object.fromEntries(podSpec(objs).volumes.map((v: any) => [v.name, v]));
    expect(volumes[mounts['/qdrant/init'].name].emptyDir).toEqual({});
    expect(volumes[mounts['/tmp'].name].emptyDir).toEqual({});
    expect(volumes[mounts['/qdrant/snapshots'].name].emptyDir).toEqual({});
    expect(volumes[mounts['/qdrant/cdk8s'].name].configMap.name).toBe('qdrant-config');
    expect(mounts['/qdrant/storage'].name).toBe('qdrant-storage');
    expect(envOf(container(objs)).QDRANT_INIT_FILE_PATH).toBe('/qdrant/init/.qdrant-initialized');
  });

  test('starts through the ConfigMap script; the config path the script passes is the mounted file', () => {
    const c = container(objs);
    expect(c.command).toEqual(['/bin/bash', '/qdrant/cdk8s/start.sh']);
    const cm = only(objs, 'ConfigMap', 'qdrant-config');
    expect(Object.keys(cm.data).sort()).toEqual(['config.yaml', 'start.sh']);
    expect(cm.data['start.sh']).toContain('--config-path /qdrant/cdk8s/config.yaml');
    expect(cm.data['start.sh']).not.toContain('--bootstrap');
    expect(envOf(c).POD_NAME).toEqual({ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } });
  });

  test('config: telemetry off, single node; no API key env without a Secret', () => {
    expect(configOf(objs).telemetry_disabled).toBe(true);
    expect(configOf(objs).cluster.enabled).toBe(false);
    expect(envOf(container(objs)).QDRANT__SERVICE__API_KEY).toBeUndefined();
  });

  test('no PDB, NetworkPolicy, ServiceMonitor or anti-affinity for a single node by default', () => {
    expect(all(objs, 'PodDisruptionBudget')).toEqual([]);
    expect(all(objs, 'NetworkPolicy')).toEqual([]);
    expect(all(objs, 'ServiceMonitor')).toEqual([]);
    expect(podSpec(objs).affinity).toBeUndefined();
  });

  test('selector labels never carry the version; the pod and object labels do', () => {
    const selector = sts(objs).spec.selector.matchLabels;
    expect(selector).toEqual({ 'app.kubernetes.io/name': 'qdrant', 'app.kubernetes.io/instance': 'qdrant', 'app.kubernetes.io/component': 'database' });
    expect(sts(objs).spec.template.metadata.labels[LABEL_VERSION]).toBe(IMAGES.qdrant.tag);
  });

  test('resources: memory request = limit, CPU request without limit', () => {
    expect(container(objs).resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } });
  });
});

describe('config hash', () => {
  const hash = (objs: any[]) => sts(objs).spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
  test('is a sha256 and changes when the config changes', () => {
    const a = hash(build().objs);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(build({ hnswIndex: { m: 17 } }).objs)).not.toBe(a);
    expect(hash(build().objs)).toBe(a);
  });
  test('does not change when a 3-peer cluster scales to 5', () => {
    expect(hash(build({ replicas: 5 }).objs)).toBe(hash(build({ replicas: 3 }).objs));
  });
});

describe('HNSW props reach the config file', () => {
  test('storage.hnsw_index holds the given values', () => {
    const c = configOf(build({ hnswIndex: { m: 48, efConstruct: 512, fullScanThresholdKb: 5000, maxIndexingThreads: 8, onDisk: true } }).objs);
    expect(c.storage.hnsw_index).toEqual({ m: 48, ef_construct: 512, full_scan_threshold_kb: 5000, max_indexing_threads: 8, on_disk: true });
  });
});

describe('API keys from an existing Secret', () => {
  const { objs, qd } = build({ ...KEYS, serviceMonitor: true });

  test('env vars from secretKeyRef; the ConfigMap never holds a key', () => {
    const env = envOf(container(objs));
    expect(env.QDRANT__SERVICE__API_KEY).toEqual({ secretKeyRef: { name: 'qdrant-keys', key: 'api-key' } });
    expect(env.QDRANT__SERVICE__READ_ONLY_API_KEY).toEqual({ secretKeyRef: { name: 'qdrant-keys', key: 'read-only-api-key' } });
    const cm = only(objs, 'ConfigMap', 'qdrant-config');
    expect(JSON.stringify(cm.data)).not.toMatch(/api_key|qdrant-keys/);
    expect(all(objs, 'Secret')).toEqual([]);
  });

  test('probes still need no key', () => {
    expect(container(objs).readinessProbe.httpGet.httpHeaders).toBeUndefined();
  });

  test('the ServiceMonitor authenticates with the read-only key', () => {
    const ep = only(objs, 'ServiceMonitor').spec.endpoints[0];
    expect(ep.authorization).toEqual({ type: 'Bearer', credentials: { name: 'qdrant-keys', key: 'read-only-api-key' } });
  });

  test('the interface exposes both references', () => {
    expect(qd.apiKeySecret).toEqual(KEYS.apiKeySecret);
    expect(qd.readOnlyApiKeySecret).toEqual(KEYS.readOnlyApiKeySecret);
  });

  test('with only the admin key, the ServiceMonitor uses it', () => {
    const ep = only(build({ apiKeySecret: KEYS.apiKeySecret, serviceMonitor: true }).objs, 'ServiceMonitor').spec.endpoints[0];
    expect(ep.authorization.credentials).toEqual({ name: 'qdrant-keys', key: 'api-key' });
  });
});

describe('cluster mode (3 replicas)', () => {
  const { objs } = build(CLUSTER);

  test('config enables the cluster; the script bootstraps peers through the headless DNS names', () => {
    expect(configOf(objs).cluster).toEqual({ enabled: true, p2p: { port: 6335, enable_tls: false }, consensus: { tick_period_ms: 100 } });
    const script = only(objs, 'ConfigMap', 'qdrant-config').data['start.sh'];
    expect(script).toContain('seed="http://qdrant-0.qdrant-headless.lab.svc.cluster.local:6335"');
    expect(script).toContain('self="http://${POD_NAME}.qdrant-headless.lab.svc.cluster.local:6335"');
    expect(script).toContain('--bootstrap "${seed}" --uri "${self}"');
  });

  test('PDB: maxUnavailable 1 over the peers', () => {
    const pdb = only(objs, 'PodDisruptionBudget', 'qdrant');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(sts(objs).spec.selector.matchLabels);
  });

  test('anti-affinity from lib/common/scheduling (hard on request)', () => {
    const term = podSpec(objs).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    expect(term.topologyKey).toBe('kubernetes.io/hostname');
    expect(term.labelSelector.matchLabels).toEqual(sts(objs).spec.selector.matchLabels);
  });

  test('soft anti-affinity by default, so 3 peers fit on a one-node kind cluster', () => {
    const pod = podSpec(build({ replicas: 3 }).objs);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  });

  test('volume claims: data and snapshots, on the given StorageClass; no snapshots emptyDir', () => {
    const vcts = sts(objs).spec.volumeClaimTemplates;
    expect(vcts.map((v: any) => [v.metadata.name, v.spec.storageClassName, v.spec.resources.requests.storage])).toEqual([
      ['qdrant-storage', 'fast-ssd', '20Gi'],
      ['qdrant-snapshots', 'fast-ssd', '20Gi'],
    ]);
    expect(podSpec(objs).volumes.map((v: any) => v.name)).not.toContain('qdrant-snapshots');
    expect(container(objs).volumeMounts.find((m: any) => m.mountPath === '/qdrant/snapshots').name).toBe('qdrant-snapshots');
  });

  test('default quantization and replication factor 2 in the config', () => {
    expect(configOf(objs).storage.collection).toEqual({ replication_factor: 2, write_consistency_factor: 1, quantization: { scalar: { type: 'int8', quantile: 0.99 } } });
  });

  test('clusterEnabled with 1 replica also runs distributed mode (ready to scale out)', () => {
    const one = build({ replicas: 1, clusterEnabled: true }).objs;
    expect(configOf(one).cluster.enabled).toBe(true);
    expect(only(one, 'ConfigMap', 'qdrant-config').data['start.sh']).toContain('--uri');
    expect(all(one, 'PodDisruptionBudget')).toEqual([]);
  });
});

describe('NetworkPolicy', () => {
  const selector = (objs: any[]) => sts(objs).spec.selector.matchLabels;
  const tcpPorts = (rule: any) => rule.ports.map((p: any) => p.port);

  test('admits the peers to each other (p2p too) and the named clients to http and grpc only', () => {
    const { objs } = build(CLUSTER);
    const np = only(objs, 'NetworkPolicy', 'qdrant');
    expect(np.spec.podSelector.matchLabels).toEqual(selector(objs));
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    const [peers, clients] = np.spec.ingress;
    expect(peers.from).toEqual([{ podSelector: { matchLabels: selector(objs) } }]);
    expect(tcpPorts(peers)).toEqual([6333, 6334, 6335]);
    expect(clients.from).toEqual([
      { podSelector: { matchLabels: { app: 'chatbot' } } },
      { podSelector: {}, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } },
    ]);
    expect(tcpPorts(clients)).toEqual([6333, 6334]);
    expect(np.spec.ingress).toHaveLength(2);
  });

  test('an empty networkPolicy admits only the peers', () => {
    const np = only(build({ networkPolicy: {} }).objs, 'NetworkPolicy');
    expect(np.spec.ingress).toHaveLength(1);
  });

  test('allowFrom() after construction adds clients, and turns the policy on when it was off', () => {
    const chart = labChart();
    const qd = new Qdrant(chart, 'qdrant', {});
    expect(all(synth(chart), 'NetworkPolicy')).toEqual([]);
    qd.allowFrom({ namespace: 'apps', podLabels: { app: 'rag' } });
    qd.allowFrom({ namespaceLabels: { team: 'ml' } });
    const np = only(synth(chart), 'NetworkPolicy');
    expect(np.spec.ingress[1].from).toEqual([
      { podSelector: { matchLabels: { app: 'rag' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } },
      { podSelector: {}, namespaceSelector: { matchLabels: { team: 'ml' } } },
    ]);
    expect(validateK8sObjects([np])).toEqual([]);
  });

  test('allowFrom() rejects a peer that selects nothing definite, naming it', () => {
    const qd = build().qd;
    const err = errorOf(() => qd.allowFrom({ podLabels: {} }));
    expect(err).toBeInstanceOf(DatastreamValidationError);
    expect(err.message).toContain("[test/qdrant] Qdrant.allowFrom prop 'peers': [{\"podLabels\":{}}] is invalid; allowed: peers with podLabels");
  });
});

describe('ServiceMonitor', () => {
  test('scrapes /metrics on http through the headless Service only (no double scrape)', () => {
    const { objs } = build({ serviceMonitor: true });
    const sm = only(objs, 'ServiceMonitor', 'qdrant');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s', scheme: 'http' }]);
    const matches = (svc: any) => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => svc.metadata.labels[k] === v);
    expect(all(objs, 'Service').filter(matches).map((s) => s.metadata.name)).toEqual(['qdrant-headless']);
    expect(only(objs, 'Service', 'qdrant-headless').metadata.labels[QDRANT_HEADLESS_LABEL]).toBe('true');
  });
});

describe('IQdrant: wiring by reference', () => {
  test('attributes', () => {
    const q: IQdrant = build({ name: 'vectors' }, new Chart(Testing.app(), 'apps', { namespace: 'ai' })).qd;
    expect(q.url).toBe('http://vectors.ai.svc.cluster.local:6333');
    expect(q.grpcUrl).toBe('http://vectors.ai.svc.cluster.local:6334');
    expect(q.serviceName).toBe('vectors');
    expect(q.headlessServiceName).toBe('vectors-headless');
    expect(q.namespace).toBe('ai');
    expect([q.httpPort, q.grpcPort, q.replicas]).toEqual([6333, 6334, 1]);
    expect(q.podSelector).toEqual({ 'app.kubernetes.io/name': 'qdrant', 'app.kubernetes.io/instance': 'vectors', 'app.kubernetes.io/component': 'database' });
    expect(q.apiKeySecret).toBeUndefined();
  });

  test('the Service the interface names is the one emitted, and its port is the URL port', () => {
    const { qd, objs } = build();
    const svc = only(objs, 'Service', qd.serviceName);
    expect(svc.spec.ports.find((p: any) => p.name === 'http').port).toBe(Number(new URL(qd.url).port));
    expect(svc.spec.ports.find((p: any) => p.name === 'grpc').port).toBe(Number(new URL(qd.grpcUrl).port));
  });

  test('connectionEnv(): URL and the key from its Secret; read-only on request; custom names', () => {
    const qd = build({ ...KEYS }).qd;
    expect(qd.connectionEnv()).toEqual([
      { name: 'QDRANT_URL', value: 'http://qdrant.lab.svc.cluster.local:6333' },
      { name: 'QDRANT_API_KEY', valueFrom: { secretKeyRef: { name: 'qdrant-keys', key: 'api-key' } } },
    ]);
    expect(qd.connectionEnv({ readOnly: true, urlVariable: 'VECTOR_DB', apiKeyVariable: 'VECTOR_DB_KEY' })).toEqual([
      { name: 'VECTOR_DB', value: 'http://qdrant.lab.svc.cluster.local:6333' },
      { name: 'VECTOR_DB_KEY', valueFrom: { secretKeyRef: { name: 'qdrant-keys', key: 'read-only-api-key' } } },
    ]);
  });

  test('connectionEnv() without keys: only the URL', () => {
    expect(build().qd.connectionEnv()).toEqual([{ name: 'QDRANT_URL', value: 'http://qdrant.lab.svc.cluster.local:6333' }]);
  });

  test('connectionEnv() plugs into an application Deployment that validates', () => {
    const { chart, qd } = build({ ...KEYS });
    new k8s.KubeDeployment(chart, 'app', {
      metadata: { name: 'rag' },
      spec: {
        selector: { matchLabels: { app: 'rag' } },
        template: { metadata: { labels: { app: 'rag' } }, spec: { containers: [{ name: 'rag', image: 'example/rag:1', env: qd.connectionEnv({ readOnly: true }) }] } },
      },
    });
    expect(validateK8sObjects(synth(chart))).toEqual([]);
  });

  test.each([
    [{ readOnly: true }, 'readOnly', 'true', /has no readOnlyApiKeySecret/, { apiKeySecret: KEYS.apiKeySecret }],
    [{ urlVariable: '1URL' }, 'urlVariable', "'1URL'", /environment variable name/, {}],
    [{ apiKeyVariable: 'QDRANT_URL' }, 'apiKeyVariable', "'QDRANT_URL'", /other than urlVariable/, {}],
  ])('connectionEnv(%j) is rejected, naming the option and value', (options, prop, value, allowed, props) => {
    const qd = build(props as QdrantProps).qd;
    const err = errorOf(() => qd.connectionEnv(options));
    expect(err.message).toContain(`[test/qdrant] Qdrant.connectionEnv prop '${prop}': ${value} is invalid; allowed:`);
    expect(err.message).toMatch(allowed);
  });
});

describe('warnings', () => {
  const warningsFor = (props: QdrantProps) => warningsOf(build(props).chart);
  test('an even peer count of 4 or more', () => expect(warningsFor({ replicas: 4 }).join('\n')).toMatch(/replicas: 4 tolerates no more peer failures than 3/));
  test('an image that is not the unprivileged variant', () => expect(warningsFor({ image: 'docker.io/qdrant/qdrant:v1.19.0' }).join('\n')).toMatch(/not an '-unprivileged' variant/));
  test('no HNSW graph', () => expect(warningsFor({ hnswIndex: { m: 0 } }).join('\n')).toMatch(/every search is a full scan/));
  test('indexing disabled', () => expect(warningsFor({ optimizers: { indexingThresholdKb: 0 } }).join('\n')).toMatch(/indexing is disabled/));
  test('replication factor 1 in a cluster', () => expect(warningsFor({ replicas: 3, collectionDefaults: { replicationFactor: 1 } }).join('\n')).toMatch(/takes its shards offline/));
  test('none for the lab defaults or a 3-peer cluster', () => {
    expect(warningsFor({})).toEqual([]);
    expect(warningsFor({ replicas: 3 })).toEqual([]);
  });
});

describe('naming and namespace', () => {
  test('name defaults to the construct id; namespace prop overrides the chart', () => {
    const { objs } = build({ namespace: 'vectors' });
    expect(sts(objs).metadata.namespace).toBe('vectors');
    expect(only(objs, 'Service', 'qdrant-headless').metadata.namespace).toBe('vectors');
  });

  test('without any namespace the construct refuses (FQDNs need one)', () => {
    const chart = new Chart(Testing.app(), 'nons');
    expect(() => new Qdrant(chart, 'qdrant')).toThrow(/\[nons\/qdrant\] Qdrant prop 'namespace': undefined is invalid/);
  });
});
