/**
 * Live tier, Kubernetes: verify's Kubernetes checks against the cluster tier's REAL kube-apiserver + etcd
 * (test/cluster/harness.ts: built from the Go module proxy and cached, started on 127.0.0.1). The test creates
 * the lab's objects and sets their status through the status subresource, the way controllers and the kubelet
 * would — there is no controller-manager, scheduler or kubelet.
 *
 * The last tests are the full `npm run verify -- --port-forward` run. Port-forward streaming, kubelet stats and
 * metrics.k8s.io need nodes, so they come from test/live/kubelet-standin.ts — a STAND-IN in front of the real
 * API server that forwards every other request to it — and the tunnels end at the real Kafka broker and at the
 * Qdrant stand-in. If kube-apiserver cannot be built or started, these tests fail with the reason (no skips).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { stringify } from 'yaml';
import { Binaries, Cluster, buildBinaries, run, startCluster } from '../cluster/harness';
import { BrokerState, broker, check, closedPort, expectStatuses, leftovers, verify } from './helpers';
import { KubeletStandin, startKubeletStandin } from './kubelet-standin';
import { QdrantStandin, startQdrantStandin } from './qdrant-standin';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const crds = require('../../scripts/crds');

const BUILD_TIMEOUT_MS = Number(process.env.CLUSTER_BUILD_TIMEOUT_MIN || 70) * 60_000;
const API_KEY = 'live-tier-qdrant-key';

let b: BrokerState;
let bins: Binaries;
let cluster: Cluster;
let qdrant: QdrantStandin;
let setupError: Error | undefined;

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await run('kubectl', args, { env: cluster.env, input, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}

async function setStatus(kind: string, name: string, status: unknown): Promise<void> {
  await kubectl(['-n', 'lab', 'patch', kind, name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const runningContainer = (name: string, image: string, restarts = 0, lastOom = false) => ({
  name,
  image,
  imageID: '',
  ready: true,
  started: true,
  restartCount: restarts,
  state: { running: { startedAt: now() } },
  lastState: lastOom ? { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: now(), finishedAt: now() } } : {},
});
const podReady = (containers: unknown[]) => ({
  phase: 'Running',
  podIP: '10.244.0.10',
  conditions: [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Initialized', status: 'True' },
    { type: 'ContainersReady', status: 'True' },
    { type: 'Ready', status: 'True' },
  ],
  containerStatuses: containers,
});
const stsReady = (n: number, rev: string) => ({ observedGeneration: 1, replicas: n, readyReplicas: n, currentReplicas: n, updatedReplicas: n, availableReplicas: n, currentRevision: rev, updateRevision: rev });
const pvcBound = (size: string) => ({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: size } });

function labManifest(advertisedPort: number): string {
  const rpLabels = { 'app.kubernetes.io/name': 'redpanda', 'app.kubernetes.io/instance': 'rp' };
  const qdLabels = { 'app.kubernetes.io/name': 'qdrant', 'app.kubernetes.io/instance': 'qdrant' };
  const appLabels = { 'app.kubernetes.io/name': 'chatbot-consumer', 'app.kubernetes.io/instance': 'chatbot' };
  const objects: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } },
    // No controller-manager creates the namespace's default ServiceAccount, which pod admission needs.
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'lab' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'qdrant-apikey', namespace: 'lab' }, stringData: { 'api-key': API_KEY } },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'rp', namespace: 'lab', labels: rpLabels, annotations: { 'datastream.cdk8s.io/port-forward-base': String(advertisedPort) } },
      spec: {
        replicas: 1,
        serviceName: 'rp-headless',
        selector: { matchLabels: rpLabels },
        template: {
          metadata: { labels: { ...rpLabels, 'app.kubernetes.io/component': 'broker' } },
          spec: {
            containers: [
              {
                name: 'redpanda',
                image: 'docker.redpanda.com/redpandadata/redpanda:v26.2.1',
                ports: [
                  { name: 'kafka', containerPort: 9093 },
                  { name: 'kafka-local', containerPort: 9092 },
                  { name: 'admin', containerPort: 9644 },
                ],
                resources: { limits: { memory: '2560Mi' }, requests: { memory: '2560Mi', cpu: '1' } },
              },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'datadir' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'qdrant', namespace: 'lab', labels: qdLabels },
      spec: {
        replicas: 1,
        serviceName: 'qdrant-headless',
        selector: { matchLabels: qdLabels },
        template: {
          metadata: { labels: { ...qdLabels, 'app.kubernetes.io/component': 'vector-db' } },
          spec: {
            containers: [
              {
                name: 'qdrant',
                image: 'docker.io/qdrant/qdrant:v1.19.0',
                ports: [
                  { name: 'http', containerPort: 6333 },
                  { name: 'grpc', containerPort: 6334 },
                ],
                env: [{ name: 'QDRANT__SERVICE__API_KEY', valueFrom: { secretKeyRef: { name: 'qdrant-apikey', key: 'api-key' } } }],
                resources: { limits: { memory: '1Gi' } },
              },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'qdrant-storage' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'chatbot-consumer', namespace: 'lab', labels: appLabels },
      spec: { replicas: 1, selector: { matchLabels: appLabels }, template: { metadata: { labels: appLabels }, spec: { containers: [{ name: 'consumer', image: 'busybox:1.36' }] } } },
    },
    ...[
      ['datadir-rp-0', rpLabels],
      ['qdrant-storage-qdrant-0', qdLabels],
    ].map(([name, labels]) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'lab', labels },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    })),
    ...[
      ['rp-0', rpLabels, 'redpanda', 'docker.redpanda.com/redpandadata/redpanda:v26.2.1', 'datadir-rp-0'],
      ['qdrant-0', qdLabels, 'qdrant', 'docker.io/qdrant/qdrant:v1.19.0', 'qdrant-storage-qdrant-0'],
      ['chatbot-consumer-7d9f8-abcde', appLabels, 'consumer', 'busybox:1.36', ''],
    ].map(([name, labels, container, image, pvc]) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'lab', labels },
      spec: {
        nodeName: 'node-1',
        containers: [{ name: container, image, resources: container === 'consumer' ? {} : { limits: { memory: container === 'redpanda' ? '2560Mi' : '1Gi' } } }],
        volumes: pvc ? [{ name: 'data', persistentVolumeClaim: { claimName: pvc } }] : [],
      },
    })),
  ];
  return objects.map((o) => stringify(o)).join('---\n');
}

async function makeEverythingReady(): Promise<void> {
  await setStatus('statefulset', 'rp', stsReady(1, 'rp-5d8f'));
  await setStatus('statefulset', 'qdrant', stsReady(1, 'qdrant-6c7b'));
  await setStatus('deployment', 'chatbot-consumer', { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 });
  await setStatus('pvc', 'datadir-rp-0', pvcBound('1Gi'));
  await setStatus('pvc', 'qdrant-storage-qdrant-0', pvcBound('1Gi'));
  await setStatus('pod', 'rp-0', podReady([runningContainer('redpanda', 'docker.redpanda.com/redpandadata/redpanda:v26.2.1', 2, true)]));
  await setStatus('pod', 'qdrant-0', podReady([runningContainer('qdrant', 'docker.io/qdrant/qdrant:v1.19.0')]));
  await setStatus('pod', 'chatbot-consumer-7d9f8-abcde', podReady([runningContainer('consumer', 'busybox:1.36')]));
}

/** The upstream Strimzi Kafka and KEDA ScaledObject CRDs, and one resource of each (no status yet). Idempotent. */
async function installOperatorResources(): Promise<void> {
  const files = [await crds.crdFile('kafka.strimzi.io', '040-Crd-kafka.yaml'), await crds.crdFile('keda.sh', 'keda.sh_scaledobjects.yaml')];
  for (const f of files) await kubectl(['apply', '--server-side', '-f', f]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/kafkas.kafka.strimzi.io', 'crd/scaledobjects.keda.sh']);
  await kubectl(
    ['apply', '-f', '-'],
    [
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'events', namespace: 'lab' }, spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } } },
      {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 'chatbot-consumer', namespace: 'lab' },
        spec: { scaleTargetRef: { name: 'chatbot-consumer' }, triggers: [{ type: 'kafka', metadata: { bootstrapServers: 'events-kafka-bootstrap.lab.svc:9092', consumerGroup: 'chatbot', topic: 'chat', lagThreshold: '10' } }] },
      },
    ]
      .map((o) => stringify(o))
      .join('---\n'),
  );
}

async function operatorResourcesReady(): Promise<void> {
  await installOperatorResources();
  await kubectl(['-n', 'lab', 'patch', 'kafka.kafka.strimzi.io', 'events', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }] } })]);
  await kubectl(['-n', 'lab', 'patch', 'scaledobject.keda.sh', 'chatbot-consumer', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Active', status: 'False' }] } })]);
}

/** resourceVersion of every object in the lab namespace: verify must not change any of them. */
async function snapshot(): Promise<Record<string, string>> {
  const out = JSON.parse(await kubectl(['-n', 'lab', 'get', 'statefulsets,deployments,pods,pvc,secrets,services,configmaps', '-o', 'json']));
  return Object.fromEntries(out.items.map((o: any) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
}

function requireCluster() {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  b = broker();
  try {
    bins = await buildBinaries(BUILD_TIMEOUT_MS);
    cluster = await startCluster(bins);
    await kubectl(['apply', '-f', '-'], labManifest(b.forwarded.advertisedPort));
    await makeEverythingReady();
    qdrant = await startQdrantStandin({ apiKey: API_KEY, preexisting: ['chatbot-docs'] });
  } catch (e) {
    setupError = new Error(`setting up the cluster tier's kube-apiserver for the live tier failed: ${(e as Error).message}`);
  }
}, BUILD_TIMEOUT_MS + 300_000);

afterAll(async () => {
  await qdrant?.close();
  await cluster?.stop();
});

describe("Kubernetes checks against the cluster tier's kube-apiserver", () => {
  test('workloads, pods (restarts, OOMKilled), PVCs pass; usage, Strimzi and KEDA are skipped with reasons, not passed', async () => {
    requireCluster();
    const r = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
    expectStatuses(r, {
      'kube.api': 'passed',
      'kube.workloads': 'passed',
      'kube.pods': 'passed',
      'kube.pvcs': 'passed',
      'kube.usage': 'skipped',
      'kube.strimzi': 'skipped',
      'kube.keda': 'skipped',
    });
    expect(r.code).toBe(0);
    expect(check(r, 'kube.api').summary).toMatch(/^context cluster-tier, API server v1\.\d+\.\d+ at https:\/\/127\.0\.0\.1:\d+, namespace lab: 2 StatefulSet\(s\), 1 Deployment\(s\), 3 pod\(s\), 2 PVC\(s\)$/);
    expect(check(r, 'kube.workloads').summary).toBe('3 workload(s) ready: StatefulSet/qdrant 1/1, StatefulSet/rp 1/1, Deployment/chatbot-consumer 1/1');
    const pods = check(r, 'kube.pods');
    expect(pods.summary).toBe('3 pod(s) ready, 2 restart(s) in total');
    expect(pods.data.find((p: any) => p.pod === 'rp-0')).toMatchObject({ restarts: 2, lastTermination: { reason: 'OOMKilled', exitCode: 137 }, node: 'node-1' });
    expect(check(r, 'kube.pvcs').summary).toBe('2 PVC(s) Bound: datadir-rp-0 1Gi, qdrant-storage-qdrant-0 1Gi');
    expect(check(r, 'kube.usage').skipReason).toBe(
      'metrics API not available (metrics.k8s.io: HTTP 404 — install metrics-server); volume usage not available (kubelet stats: node-1: HTTP 404: nodes "node-1" not found)',
    );
    expect(check(r, 'kube.strimzi').skipReason).toBe('Strimzi not installed (no kafkas.kafka.strimzi.io API)');
    expect(check(r, 'kube.keda').skipReason).toBe('KEDA not installed (no scaledobjects.keda.sh API)');

    const strict = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--strict', '--json']);
    expect(strict.code).toBe(1);
  });

  test('Strimzi Kafka and KEDA ScaledObject Ready conditions, set through the status subresource', async () => {
    requireCluster();
    await installOperatorResources();
    const fresh = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
    expect(check(fresh, 'kube.strimzi').problem.what).toBe('1 Kafka(s) not Ready: events (no Ready condition yet (operator not reconciling?))');
    expect(fresh.code).toBe(1);

    await kubectl(['-n', 'lab', 'patch', 'kafka.kafka.strimzi.io', 'events', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }], kafkaVersion: '4.1.0' } })]);
    await kubectl([
      '-n', 'lab', 'patch', 'scaledobject.keda.sh', 'chatbot-consumer', '--subresource=status', '--type=merge', '-p',
      JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False', reason: 'ScaledObjectCheckFailed', message: 'Target resource doesn\'t exist' }, { type: 'Active', status: 'False' }] } }),
    ]);
    const mixed = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
    expect(check(mixed, 'kube.strimzi')).toMatchObject({ status: 'passed', summary: '1 Kafka(s) Ready (kafka.strimzi.io/v1)' });
    const keda = check(mixed, 'kube.keda');
    expect(keda.problem.what).toBe("1 ScaledObject(s) not Ready: chatbot-consumer (ScaledObjectCheckFailed Target resource doesn't exist)");
    expect(keda.problem.fix).toMatch(/scale target of chatbot-consumer does not exist/);

    await kubectl(['-n', 'lab', 'patch', 'scaledobject.keda.sh', 'chatbot-consumer', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Active', status: 'False' }] } })]);
    const ok = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
    expect(check(ok, 'kube.keda').status).toBe('passed');
  });

  test('a broken lab: OOMKilled crash loop, a Pending unschedulable pod, an unbound PVC — with fixes', async () => {
    requireCluster();
    try {
      await setStatus('statefulset', 'qdrant', { ...stsReady(1, 'qdrant-6c7b'), readyReplicas: 0, availableReplicas: 0 });
      await setStatus('pod', 'qdrant-0', {
        phase: 'Running',
        conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'qdrant', image: 'docker.io/qdrant/qdrant:v1.19.0', imageID: '', ready: false, started: false, restartCount: 7,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=qdrant' } },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: now(), finishedAt: now() } },
          },
        ],
      });
      await setStatus('deployment', 'chatbot-consumer', { observedGeneration: 1, replicas: 1, readyReplicas: 0, availableReplicas: 0, updatedReplicas: 1 });
      await setStatus('pod', 'chatbot-consumer-7d9f8-abcde', {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory.' }],
      });
      await setStatus('pvc', 'qdrant-storage-qdrant-0', { phase: 'Pending' });

      const r = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
      expect(r.code).toBe(1);
      const w = check(r, 'kube.workloads');
      expect(w.problem.what).toBe(
        '2 of 3 workload(s) not ready: StatefulSet/qdrant (qdrant-0: qdrant: CrashLoopBackOff (back-off 5m0s restarting failed container=qdrant), last exit OOMKilled); Deployment/chatbot-consumer (chatbot-consumer-7d9f8-abcde: unschedulable: 0/1 nodes are available: 1 Insufficient memory.)',
      );
      expect(w.problem.fix).toBe('container qdrant was OOMKilled: raise its memory limit (Redpanda: keep --memory about 80% of the limit)');
      expect(w.problem.tried).toMatch(/StatefulSet\/qdrant\s+0\/1\s+NOT READY/);
      const p = check(r, 'kube.pods');
      expect(p.status).toBe('failed');
      expect(p.problem.what).toMatch(/^2 pod problem\(s\): chatbot-consumer-7d9f8-abcde: unschedulable: .*Insufficient memory.*; qdrant-0: qdrant: CrashLoopBackOff/);
      const v = check(r, 'kube.pvcs');
      expect(v.problem.what).toBe('1 of 2 PVC(s) not Bound: qdrant-storage-qdrant-0 (Pending)');
      expect(v.problem.fix).toMatch(/StorageClass exists and has a provisioner/);

      const human = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig]);
      expect(human.stdout).toMatch(/\[FAIL\] kube\.workloads .*\n\s+what:  2 of 3 workload\(s\) not ready/);
      expect(human.stdout).toMatch(/fix:   container qdrant was OOMKilled/);
    } finally {
      await makeEverythingReady();
    }
  });

  test('--max-restarts, a missing namespace, an API server that is down', async () => {
    requireCluster();
    const mr = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--max-restarts', '1', '--json']);
    expect(check(mr, 'kube.pods').problem.what).toBe('1 pod problem(s): rp-0: 2 restarts (more than --max-restarts 1), last OOMKilled');

    const ns = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '-n', 'nope', '--json']);
    expect(check(ns, 'kube.api').problem).toMatchObject({ what: 'namespace nope does not exist', fix: expect.stringMatching(/pass --namespace/) });
    expect(check(ns, 'kube.workloads')).toMatchObject({ status: 'skipped', skipReason: 'kube.api failed' });

    const port = await closedPort();
    const dead = path.join(cluster.dir, 'dead-kubeconfig');
    fs.writeFileSync(dead, fs.readFileSync(cluster.kubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${port}`));
    const down = await verify(['--only', 'kube', '--kubeconfig', dead, '--json']);
    expect(down.code).toBe(1);
    expect(check(down, 'kube.api').problem).toMatchObject({ what: `connection refused on 127.0.0.1:${port}`, fix: expect.stringMatching(/is the cluster running\?/) });
  });
});

describe('the full run: npm run verify -- --port-forward (real API server + broker; stand-ins for kubelet streaming and Qdrant)', () => {
  let standin: KubeletStandin | undefined;

  afterEach(async () => {
    await standin?.close();
    standin = undefined;
    expect(await leftovers(b.bootstrap)).toEqual({ topics: [], groups: [] });
  });

  async function startStandin(forwards: Record<string, number>) {
    standin = await startKubeletStandin(
      {
        kubeconfig: cluster.kubeconfig,
        forwards,
        metrics: [
          { pod: 'rp-0', containers: [{ name: 'redpanda', cpu: '153m', memory: '1536Mi' }] },
          { pod: 'qdrant-0', containers: [{ name: 'qdrant', cpu: '12m', memory: '180Mi' }] },
          { pod: 'chatbot-consumer-7d9f8-abcde', containers: [{ name: 'consumer', cpu: '1m', memory: '8Mi' }] },
        ],
        stats: [
          {
            node: 'node-1',
            pods: [
              { namespace: 'lab', name: 'rp-0', volumes: [{ pvc: 'datadir-rp-0', usedBytes: 120 * 2 ** 20, capacityBytes: 2 ** 30 }] },
              { namespace: 'lab', name: 'qdrant-0', volumes: [{ pvc: 'qdrant-storage-qdrant-0', usedBytes: 3 * 2 ** 20, capacityBytes: 2 ** 30 }] },
            ],
          },
        ],
      },
      path.join(cluster.dir, 'standin-kubeconfig'),
    );
    return standin;
  }

  test('every check passes: tunnels to the broker and Qdrant, API key from the Secret, usage table, nothing changed in the cluster', async () => {
    requireCluster();
    await operatorResourcesReady();
    const s = await startStandin({ 'lab/rp-0:9092': b.forwarded.listenPort, 'lab/qdrant-0:6333': qdrant.port });
    const before = await snapshot();
    const r = await verify(['--port-forward', '--kubeconfig', s.kubeconfig, '--durability-messages', '1000', '--json'], { timeoutMs: 180000 });
    expectStatuses(r, {
      'kube.api': 'passed',
      'kube.workloads': 'passed',
      'kube.pods': 'passed',
      'kube.pvcs': 'passed',
      'kube.usage': 'passed',
      'kube.strimzi': 'passed',
      'kube.keda': 'passed',
      'kube.port-forward': 'passed',
      'kafka.metadata': 'passed',
      'kafka.roundtrip': 'passed',
      'kafka.durability': 'passed',
      'qdrant.health': 'passed',
      'qdrant.collections': 'passed',
      'qdrant.vectors': 'passed',
      'cleanup': 'passed',
    });
    expect(r.code).toBe(0);
    process.stderr.write(`[live-tier] full verify run (--port-forward, all checks, 1000-message durability): ${r.ms} ms wall, ${r.json.durationMs} ms inside verify\n`);
    if (process.env.LIVE_SHOW_OUTPUT) process.stderr.write(r.stderr);

    const adv = b.forwarded.advertisedPort;
    expect(check(r, 'kube.port-forward').summary).toMatch(new RegExp(`^2 tunnel\\(s\\) open: 127\\.0\\.0\\.1:${adv} -> rp-0:9092, 127\\.0\\.0\\.1:\\d+ -> qdrant-0:6333$`));
    expect(r.json.targets.kafka).toMatchObject({ brokers: [`127.0.0.1:${adv}`], source: `port-forward to rp-0 (base ${adv} from datastream.cdk8s.io/port-forward-base)` });
    expect(r.json.targets.qdrant.apiKey).toBe("from Secret lab/qdrant-apikey key api-key (from the StatefulSet's QDRANT__SERVICE__API_KEY)");
    expect(check(r, 'kafka.metadata').data.brokers).toEqual([{ id: 1, host: '127.0.0.1', port: adv, reachable: true }]);
    expect(check(r, 'kafka.durability').data).toMatchObject({ produced: 1000, read: 1000, lost: 0, duplicated: 0, outOfOrder: 0 });
    const usage = check(r, 'kube.usage');
    expect(usage.summary).toBe('3 pod(s) measured, 2 volume(s) measured');
    expect(usage.lines.join('\n')).toMatch(/rp-0\s+153m\s+1\.5 GiB \(60% of limit\)/);
    expect(usage.lines.join('\n')).toMatch(/datadir-rp-0\s+rp-0\s+120 MiB\s+1\.0 GiB\s+12%/);
    expect(s.portForwardRequests).toEqual(expect.arrayContaining(['lab/rp-0:9092', 'lab/qdrant-0:6333']));
    expect(qdrant.requests.filter((x) => x.path.startsWith('/collections')).every((x) => x.apiKey === API_KEY)).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(API_KEY);

    // Only reads: every object in the namespace has the resourceVersion it had before.
    expect(await snapshot()).toEqual(before);
    // The tunnels are closed: the broker's port-forward port is free again, no stream is left open.
    await new Promise<void>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(adv, '127.0.0.1', () => srv.close(() => resolve()));
    });
    expect(s.openStreams()).toBe(0);
    expect([...qdrant.collections.keys()]).toEqual(['chatbot-docs']);
  });

  test('--qdrant-api-key-secret NAME/KEY reads the key from that Secret; a wrong key name says which keys exist', async () => {
    requireCluster();
    const s = await startStandin({ 'lab/qdrant-0:6333': qdrant.port });
    const ok = await verify(['--port-forward', '--kubeconfig', s.kubeconfig, '--only', 'qdrant', '--qdrant-api-key-secret', 'qdrant-apikey/api-key', '--json']);
    expectStatuses(ok, { 'kube.port-forward': 'passed', 'qdrant.health': 'passed', 'qdrant.collections': 'passed', 'qdrant.vectors': 'passed', 'cleanup': 'passed' });
    expect(ok.json.targets.qdrant.apiKey).toBe('from Secret lab/qdrant-apikey key api-key');
    const wrong = await verify(['--port-forward', '--kubeconfig', s.kubeconfig, '--only', 'qdrant', '--qdrant-api-key-secret', 'qdrant-apikey/apikey', '--json']);
    expect(wrong.code).toBe(1);
    expect(check(wrong, 'qdrant.health').problem.what).toBe('no Qdrant target: cannot read the API key from Secret lab/qdrant-apikey: Secret lab/qdrant-apikey has no key "apikey" (keys: api-key)');
  });

  test('port-forward failures: the local port is taken; the pod does not listen on the port', async () => {
    requireCluster();
    const s = await startStandin({ 'lab/rp-0:9092': b.forwarded.listenPort, 'lab/qdrant-0:6333': await closedPort() });
    const squatter = net.createServer();
    await new Promise<void>((res) => squatter.listen(b.forwarded.advertisedPort, '127.0.0.1', () => res()));
    try {
      const taken = await verify(['--port-forward', '--kubeconfig', s.kubeconfig, '--skip', 'kube', '--json']);
      expect(taken.code).toBe(1);
      const pf = check(taken, 'kube.port-forward');
      expect(pf.problem.what).toMatch(new RegExp(`^local port ${b.forwarded.advertisedPort} is already in use \\(and 1 more: the pod qdrant-0 does not accept connections on port 6333`));
      expect(pf.problem.fix).toMatch(/is a `kubectl port-forward` already running\?/);
      expect(check(taken, 'kafka.metadata')).toMatchObject({ status: 'skipped', skipReason: 'no Kafka target: no tunnel (kube.port-forward failed)' });
    } finally {
      await new Promise<void>((res) => squatter.close(() => res()));
    }
    const deaf = await verify(['--port-forward', '--kubeconfig', s.kubeconfig, '--skip', 'kube,durability', '--json']);
    const pf = check(deaf, 'kube.port-forward');
    expect(pf.problem.what).toMatch(/^the pod qdrant-0 does not accept connections on port 6333: error forwarding port 6333 to pod qdrant-0.*connection refused/);
    // The broker's tunnel was open, so the Kafka checks still ran through it.
    expect(check(deaf, 'kafka.roundtrip').status).toBe('passed');
    expect(check(deaf, 'qdrant.health')).toMatchObject({ status: 'skipped', skipReason: 'no Qdrant target: no tunnel (kube.port-forward failed)' });
  });
});

describe('three brokers: a tunnel per broker, replication factor 3, leader election when a broker dies', () => {
  test('verify --port-forward opens rp-0..2, runs with RF 3; after killing broker 3 it shows the leaders that moved', async () => {
    requireCluster();
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { startBroker } = require('../../scripts/live/kafka');
    const k3 = await startBroker({ nodes: 3, tls: false });
    let standin: KubeletStandin | undefined;
    try {
      const base = k3.nodes[0].forwarded.advertisedPort;
      const rpLabels = { 'app.kubernetes.io/name': 'redpanda', 'app.kubernetes.io/instance': 'rp' };
      await kubectl(
        ['apply', '-f', '-'],
        [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab3' } },
          { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'lab3' } },
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            metadata: { name: 'rp', namespace: 'lab3', labels: rpLabels, annotations: { 'datastream.cdk8s.io/port-forward-base': String(base) } },
            spec: {
              replicas: 3,
              serviceName: 'rp-headless',
              selector: { matchLabels: rpLabels },
              template: { metadata: { labels: rpLabels }, spec: { containers: [{ name: 'redpanda', image: 'docker.redpanda.com/redpandadata/redpanda:v26.2.1', ports: [{ name: 'kafka-local', containerPort: 9092 }] }] } },
            },
          },
        ]
          .map((o) => stringify(o))
          .join('---\n'),
      );
      standin = await startKubeletStandin(
        { kubeconfig: cluster.kubeconfig, forwards: Object.fromEntries(k3.nodes.map((x: any, i: number) => [`lab3/rp-${i}:9092`, x.forwarded.listenPort])) },
        path.join(cluster.dir, 'standin3-kubeconfig'),
      );
      const args = ['--port-forward', '-n', 'lab3', '--kubeconfig', standin.kubeconfig, '--skip', 'kube,qdrant', '--durability-messages', '600', '--json'];
      const healthy = await verify(args);
      expectStatuses(healthy, { 'kube.port-forward': 'passed', 'kafka.metadata': 'passed', 'kafka.roundtrip': 'passed', 'kafka.durability': 'passed', 'cleanup': 'passed' });
      expect(check(healthy, 'kube.port-forward').summary).toBe(`3 tunnel(s) open: 127.0.0.1:${base} -> rp-0:9092, 127.0.0.1:${base + 1} -> rp-1:9092, 127.0.0.1:${base + 2} -> rp-2:9092`);
      expect(check(healthy, 'kafka.metadata').data.brokers).toEqual([0, 1, 2].map((i) => ({ id: i + 1, host: '127.0.0.1', port: base + i, reachable: true })));
      expect(check(healthy, 'kafka.durability').data).toMatchObject({ replicationFactor: 3, produced: 600, read: 600, lost: 0, duplicated: 0, outOfOrder: 0 });
      // The verify run created __consumer_offsets (RF 3 on this cluster): remember which partitions broker 3 leads.
      const { Kafka, logLevel } = await import('kafkajs');
      const admin = new Kafka({ brokers: k3.bootstrap.split(',').slice(0, 2), logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
      await admin.connect();
      const before = (await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] })).topics[0].partitions.map((p) => ({ id: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }));
      expect(before.every((p) => p.replicas.length === 3 && p.isr.length === 3)).toBe(true);

      await k3.killNode(2);
      // Wait (bounded) until the cluster has fenced broker 3 and shrunk the ISR, as an independent client sees it.
      const deadline = Date.now() + 60000;
      let last = 'no answer yet';
      for (;;) {
        try {
          // kafkajs may still route a metadata request to the killed broker: a refused connection is retried here.
          const md = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
          if (md.topics[0].partitions.every((p) => !p.isr.includes(3) && p.leader !== 3)) break;
          last = JSON.stringify(md.topics[0].partitions);
        } catch (e) {
          last = (e as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`broker 3 was not fenced within 60 s: ${last}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      await admin.disconnect();

      const degraded = await verify(args);
      if (process.env.LIVE_SHOW_OUTPUT) process.stderr.write(degraded.stderr);
      expect(degraded.code).toBe(1);
      const pf = check(degraded, 'kube.port-forward');
      expect(pf.status).toBe('failed');
      expect(pf.problem.what).toMatch(new RegExp(`^the pod rp-2 does not accept connections on port 9092: .*connection refused.*; open: 127\\.0\\.0\\.1:${base} -> rp-0:9092, 127\\.0\\.0\\.1:${base + 1} -> rp-1:9092$`));
      const m = check(degraded, 'kafka.metadata');
      expect(m.status).toBe('failed');
      expect(m.problem.what).toMatch(/^broker\(s\) 3 missing from the cluster; \d+ under-replicated partition\(s\) \(ISR < replicas: /);
      expect(m.problem.fix).toMatch(/leaders moved to the surviving brokers \(leader election\)/);
      // The partition table is still printed: every partition has a leader on broker 1 or 2.
      const after = m.data.topics.find((t: any) => t.name === '__consumer_offsets');
      for (const p of after.partitions) {
        expect([1, 2]).toContain(p.leader);
        expect(p.isr).not.toContain(3);
      }
      const movedAway = before.filter((p) => p.leader === 3).map((p) => p.id);
      for (const id of movedAway) expect(after.partitions.find((p: any) => p.id === id).leader).not.toBe(3);
      expect(m.lines.join('\n')).toMatch(/TOPIC\s+PARTITION\s+LEADER\s+REPLICAS\s+ISR/);
      // Producing and consuming still work on the two brokers left.
      expect(check(degraded, 'kafka.roundtrip').status).toBe('passed');
      expect(check(degraded, 'kafka.durability').data).toMatchObject({ replicationFactor: 1, lost: 0, duplicated: 0 });
    } finally {
      await standin?.close();
      await k3.stop();
    }
  }, 300000);
});
