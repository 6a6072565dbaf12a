/**
 * Live tier, Kubernetes: verify's Kubernetes checks against the cluster tier's REAL kube-apiserver + etcd
 * (test/cluster/harness.ts: built from the Go module proxy and cached, started on 127.0.0.1).
 *
 * The lab is what the lab app synthesizes: `synthLab({ variants: 'default' })` from main.ts (what `npm run synth`
 * writes to dist/), applied with `kubectl apply -f DIR`. The Strimzi/KEDA test applies the `strimzi,keda` variants
 * (with the upstream CRDs), the three-broker test the `ha` variant's Redpanda. There is no controller-manager,
 * scheduler or kubelet, so the test does their part: it creates the pods and PVCs the StatefulSet, Deployment
 * and Job controllers would create — from the synthesized pod and claim templates, named and labelled the way
 * those controllers do it — binds them to a node, and sets every status through the status subresource.
 *
 * The last tests are the full `npm run verify -- --port-forward` run. Port-forward streaming, kubelet stats and
 * metrics.k8s.io need nodes, so they come from test/live/kubelet-standin.ts — a STAND-IN in front of the real
 * API server that forwards every other request to it — and the tunnels end at the real Kafka broker and at the
 * Qdrant stand-in. If kube-apiserver cannot be built or started, these tests fail with the reason (no skips).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import { Qdrant } from '../../lib';
import { synthLab } from '../../main';
import { PORT_FORWARD_BASE_ANNOTATION } from '../../verify/kube';
import { Binaries, Cluster, buildBinaries, run, startCluster } from '../cluster/harness';
import { BrokerState, broker, check, closedPort, expectStatuses, leftovers, verify } from './helpers';
import { KubeletStandin, startKubeletStandin } from './kubelet-standin';
import { QdrantStandin, startQdrantStandin } from './qdrant-standin';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const crds = require('../../scripts/crds');

const BUILD_TIMEOUT_MS = Number(process.env.CLUSTER_BUILD_TIMEOUT_MIN || 70) * 60_000;
const API_KEY = 'live-tier-qdrant-key';
/** The node the test "schedules" every pod on (there is no scheduler and no Node object). */
const NODE = 'node-1';
/** Namespace of the Qdrant-with-an-API-key test: the lab's Qdrant has no API key. */
const KEYED_NS = 'lab-apikey';

type Obj = Record<string, any>;

let b: BrokerState;
let bins: Binaries;
let cluster: Cluster;
/** Qdrant stand-in for the lab's Qdrant (the lab sets no API key) and one that requires API_KEY. */
let qdrant: QdrantStandin;
let qdrantKeyed: QdrantStandin;
/** The default lab as synthesized (parsed from the YAML files synthLab wrote). */
let lab: Obj[];
let setupError: Error | undefined;

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await run('kubectl', args, { env: cluster.env, input, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}

async function setStatus(kind: string, name: string, status: unknown, namespace = 'lab'): Promise<void> {
  await kubectl(['-n', namespace, 'patch', kind, name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

const toYaml = (objects: Obj[]) => objects.map((o) => stringify(o)).join('---\n');

// ------------------------------------------------------------------ the lab app's output

/** Runs the lab app (synthLab from main.ts, what `npm run synth -- --variant V` runs) into a fresh folder and parses it. */
function synthVariants(variants: string): { dir: string; objects: Obj[] } {
  const dir = fs.mkdtempSync(path.join(cluster.dir, `synth-${variants.replace(/,/g, '+')}-`));
  synthLab({ outdir: dir, variants });
  const objects = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()))
    .filter(Boolean);
  return { dir, objects };
}

function find(objects: Obj[], kind: string, name?: string): Obj {
  const o = objects.find((x) => x.kind === kind && (name === undefined || x.metadata?.name === name));
  if (!o) throw new Error(`the synthesized output has no ${kind}${name ? ` ${name}` : ''} (it has: ${objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')})`);
  return o;
}

/**
 * The one value the test changes after applying: the Redpanda StatefulSet's port-forward base. The lab says 9092
 * (its kafka-local listener advertises 127.0.0.1:9092+i); the test broker, shared by the whole tier, advertises
 * its forwarded listener on a free port instead, because 9092 may be taken on this machine. The annotation must
 * be in the synthesized output — a renamed or dropped annotation fails here rather than being papered over.
 */
async function retargetPortForward(sts: Obj, namespace: string, base: number): Promise<void> {
  const synthesized = sts.metadata?.annotations?.[PORT_FORWARD_BASE_ANNOTATION];
  if (!/^\d+$/.test(synthesized ?? '')) {
    throw new Error(`the synthesized StatefulSet ${sts.metadata.name} has no numeric ${PORT_FORWARD_BASE_ANNOTATION} annotation (got ${JSON.stringify(sts.metadata?.annotations)})`);
  }
  await kubectl(['-n', namespace, 'annotate', '--overwrite', 'statefulset', sts.metadata.name, `${PORT_FORWARD_BASE_ANNOTATION}=${base}`]);
}

/** The namespace's `default` ServiceAccount, which the ServiceAccount controller would create (pods without serviceAccountName need it). */
async function defaultServiceAccount(namespace: string): Promise<void> {
  await kubectl(['apply', '-f', '-'], stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } }));
}

// ------------------------------------------------------------------ the controllers' part

/** Pods and PVCs the test created for one workload (as its controller would), so their status can be set again. */
interface Workload {
  kind: 'statefulset' | 'deployment' | 'job';
  namespace: string;
  name: string;
  replicas: number;
  revision: string;
  pods: Obj[];
  pvcs: { name: string; size: string }[];
  /** A completed Job is terminal: its status (and its pod's) is set once. */
  completed?: boolean;
}
const workloads: Workload[] = [];
/** Restart counts (with an OOMKilled last state) the "ready" lab shows, by namespace/pod. */
const RESTARTS: Record<string, number> = { 'lab/rp-0': 2 };

const hash = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);

async function uidOf(namespace: string, kind: string, name: string): Promise<string> {
  return (await kubectl(['-n', namespace, 'get', kind, name, '-o', 'jsonpath={.metadata.uid}'])).trim();
}

/** What the StatefulSet controller creates: PVCs `<claim template>-<sts>-<i>` (template labels + selector) and pods `<sts>-<i>`. */
async function materializeStatefulSet(sts: Obj, namespace: string): Promise<Workload> {
  const name: string = sts.metadata.name;
  const t = sts.spec.template;
  const replicas: number = sts.spec.replicas ?? 1;
  const revision = `${name}-${hash(JSON.stringify(t), 10)}`;
  const owner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: await uidOf(namespace, 'statefulset', name), controller: true, blockOwnerDeletion: true };
  const w: Workload = { kind: 'statefulset', namespace, name, replicas, revision, pods: [], pvcs: [] };
  const objects: Obj[] = [];
  for (let i = 0; i < replicas; i++) {
    const podName = `${name}-${i}`;
    const claims = (sts.spec.volumeClaimTemplates ?? []).map((c: Obj) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `${c.metadata.name}-${podName}`, namespace, labels: { ...c.metadata.labels, ...sts.spec.selector.matchLabels } },
      spec: c.spec,
    }));
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        namespace,
        labels: { ...t.metadata.labels, 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': podName },
        annotations: t.metadata.annotations,
        ownerReferences: [owner],
      },
      spec: {
        ...t.spec,
        hostname: podName,
        subdomain: sts.spec.serviceName,
        nodeName: NODE,
        volumes: [
          ...(sts.spec.volumeClaimTemplates ?? []).map((c: Obj) => ({ name: c.metadata.name, persistentVolumeClaim: { claimName: `${c.metadata.name}-${podName}` } })),
          ...(t.spec.volumes ?? []),
        ],
      },
    };
    objects.push(...claims, pod);
    w.pvcs.push(...claims.map((c: Obj) => ({ name: c.metadata.name, size: c.spec.resources.requests.storage })));
    w.pods.push(pod);
  }
  await kubectl(['create', '-f', '-'], toYaml(objects));
  workloads.push(w);
  return w;
}

/** What the Deployment (through its ReplicaSet) and Job controllers create: pods `<name>-<template hash>-<suffix>` / `<job>-<suffix>`. */
async function materializePods(kind: 'deployment' | 'job', o: Obj, namespace: string): Promise<Workload> {
  const name: string = o.metadata.name;
  const t = o.spec.template;
  const replicas: number = kind === 'job' ? 1 : o.spec.replicas ?? 1; // a Deployment without replicas gets 1 from the API server
  const templateHash = hash(JSON.stringify(t), 10);
  const uid = await uidOf(namespace, kind, name);
  const w: Workload = { kind, namespace, name, replicas, revision: templateHash, pods: [], pvcs: [] };
  for (let i = 0; i < replicas; i++) {
    const suffix = hash(`${name}/${i}`, 5);
    const labels =
      kind === 'job'
        ? { ...t.metadata?.labels, 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name }
        : { ...t.metadata?.labels, 'pod-template-hash': templateHash };
    w.pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: kind === 'job' ? `${name}-${suffix}` : `${name}-${templateHash}-${suffix}`,
        namespace,
        labels,
        annotations: t.metadata?.annotations,
        // The Job controller owns its pods; a Deployment's pods belong to a ReplicaSet, which nothing here creates.
        ownerReferences: kind === 'job' ? [{ apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true, blockOwnerDeletion: true }] : undefined,
      },
      spec: { ...t.spec, nodeName: NODE },
    });
  }
  await kubectl(['create', '-f', '-'], toYaml(w.pods));
  workloads.push(w);
  return w;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const runningContainer = (c: Obj, restarts = 0, lastOom = false) => ({
  name: c.name,
  image: c.image,
  imageID: '',
  ready: true,
  started: true,
  restartCount: restarts,
  state: { running: { startedAt: now() } },
  lastState: lastOom ? { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: now(), finishedAt: now() } } : {},
});
const podReady = (pod: Obj, restarts = 0) => ({
  phase: 'Running',
  podIP: '10.244.0.10',
  conditions: [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Initialized', status: 'True' },
    { type: 'ContainersReady', status: 'True' },
    { type: 'Ready', status: 'True' },
  ],
  containerStatuses: pod.spec.containers.map((c: Obj) => runningContainer(c, restarts, restarts > 0)),
});
const podCompleted = (pod: Obj) => ({
  phase: 'Succeeded',
  conditions: [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Initialized', status: 'True' },
    { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' },
    { type: 'Ready', status: 'False', reason: 'PodCompleted' },
  ],
  containerStatuses: pod.spec.containers.map((c: Obj) => ({
    name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now(), finishedAt: now() } },
  })),
});
const stsReady = (n: number, rev: string) => ({ observedGeneration: 1, replicas: n, readyReplicas: n, currentReplicas: n, updatedReplicas: n, availableReplicas: n, currentRevision: rev, updateRevision: rev });
const deploymentReady = (n: number) => ({ observedGeneration: 1, replicas: n, readyReplicas: n, availableReplicas: n, updatedReplicas: n });
const pvcBound = (size: string) => ({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: size } });

/** Every workload the test materialized: ready and rolled out, PVCs bound, the Job completed; rp-0 with 2 restarts (last OOMKilled). */
async function makeEverythingReady(): Promise<void> {
  for (const w of workloads) {
    if (w.completed) continue;
    if (w.kind === 'statefulset') await setStatus('statefulset', w.name, stsReady(w.replicas, w.revision), w.namespace);
    if (w.kind === 'deployment') await setStatus('deployment', w.name, deploymentReady(w.replicas), w.namespace);
    for (const c of w.pvcs) await setStatus('pvc', c.name, pvcBound(c.size), w.namespace);
    for (const p of w.pods) {
      if (w.kind === 'job') await setStatus('pod', p.metadata.name, podCompleted(p), w.namespace);
      else await setStatus('pod', p.metadata.name, podReady(p, RESTARTS[`${w.namespace}/${p.metadata.name}`] ?? 0), w.namespace);
    }
    if (w.kind === 'job') {
      const t = now();
      await setStatus('job', w.name, {
        startTime: t, completionTime: t, succeeded: 1, active: 0, ready: 0, terminating: 0,
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t },
        ],
      }, w.namespace);
      w.completed = true;
    }
  }
}

function workload(namespace: string, name: string): Workload {
  const w = workloads.find((x) => x.namespace === namespace && x.name === name);
  if (!w) throw new Error(`no workload ${namespace}/${name} was materialized (have: ${workloads.map((x) => `${x.namespace}/${x.name}`).join(', ')})`);
  return w;
}

// ------------------------------------------------------------------ set-ups

/**
 * The default lab in namespace lab, as `npm run synth && kubectl apply -f dist/` deploys it, plus what the
 * controllers would create: rp-0, qdrant-0, their PVCs datadir-rp-0 and qdrant-storage-qdrant-0, and the pod of
 * Redpanda's configure Job.
 */
async function deployLab(): Promise<void> {
  const out = synthVariants('default');
  lab = out.objects;
  await kubectl(['apply', '-f', out.dir]);
  await defaultServiceAccount('lab');
  const rp = find(lab, 'StatefulSet', 'rp');
  await retargetPortForward(rp, 'lab', b.forwarded.advertisedPort);
  await materializeStatefulSet(rp, 'lab');
  await materializeStatefulSet(find(lab, 'StatefulSet', 'qdrant'), 'lab');
  for (const job of lab.filter((o) => o.kind === 'Job')) await materializePods('job', job, 'lab');
  await makeEverythingReady();
}

let operatorVariants: Promise<Obj[]> | undefined;
/**
 * The `strimzi,keda` variants on top of the lab (their Redpanda and Qdrant charts are the default lab's), with the
 * upstream CRDs of the API groups they use: Strimzi Kafka `strimzi` (+ node pool, topic), the KEDA ScaledObject
 * `dojo-consumer` and its target, the Deployment dojo-consumer, whose pod the test creates. No status yet. Once.
 */
function installOperatorVariants(): Promise<Obj[]> {
  operatorVariants ??= (async () => {
    const out = synthVariants('strimzi,keda');
    const groups = [...new Set(out.objects.map((o) => String(o.apiVersion).split('/')[0]).filter((g) => crds.GROUPS[g]))];
    const files: string[] = (await Promise.all(groups.map((g) => crds.groupFiles(g)))).flat();
    for (const f of files) await kubectl(['apply', '--server-side', '-f', f]);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...files.flatMap((f) => ['-f', f])]);
    await kubectl(['apply', '-f', out.dir]);
    await retargetPortForward(find(out.objects, 'StatefulSet', 'rp'), 'lab', b.forwarded.advertisedPort);
    for (const d of out.objects.filter((o) => o.kind === 'Deployment')) await materializePods('deployment', d, 'lab');
    await makeEverythingReady();
    return out.objects;
  })();
  return operatorVariants;
}

/** The operator variants, with Ready conditions on the Kafka and the ScaledObject (as the operators would set them). */
async function operatorResourcesReady(): Promise<void> {
  const objects = await installOperatorVariants();
  await setCondition('kafka.kafka.strimzi.io', find(objects, 'Kafka').metadata.name, { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }] });
  await setCondition('scaledobject.keda.sh', find(objects, 'ScaledObject').metadata.name, { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Active', status: 'False' }] });
}

async function setCondition(resource: string, name: string, status: unknown): Promise<void> {
  await kubectl(['-n', 'lab', 'patch', resource, name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

let keyedQdrant: Promise<void> | undefined;
/**
 * A Qdrant with an API key, in namespace lab-apikey: no lab variant sets one, so this is the Qdrant construct
 * itself with `apiKeySecret` (synthesized like the lab's, with the same PodSecurity labels on the namespace).
 * The Secret is written here: the construct references it and the user creates it (`kubectl create secret`).
 */
function deployKeyedQdrant(): Promise<void> {
  keyedQdrant ??= (async () => {
    const chart = new Chart(Testing.app(), 'qdrant', { namespace: KEYED_NS, disableResourceNameHashes: true });
    new Qdrant(chart, 'qdrant', { name: 'qdrant', apiKeySecret: { secretName: 'qdrant-apikey', key: 'api-key' } });
    const objects: Obj[] = Testing.synth(chart);
    const ns = find(lab, 'Namespace', 'lab');
    await kubectl(
      ['apply', '-f', '-'],
      toYaml([
        { ...ns, metadata: { ...ns.metadata, name: KEYED_NS } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'qdrant-apikey', namespace: KEYED_NS }, stringData: { 'api-key': API_KEY } },
        ...objects,
      ]),
    );
    await defaultServiceAccount(KEYED_NS);
    await materializeStatefulSet(find(objects, 'StatefulSet', 'qdrant'), KEYED_NS);
    await makeEverythingReady();
  })();
  return keyedQdrant;
}

/** resourceVersion of every object in the lab namespace: verify must not change any of them. */
async function snapshot(): Promise<Record<string, string>> {
  const kinds = 'statefulsets,deployments,jobs,pods,pvc,secrets,services,configmaps,serviceaccounts,kafkas.kafka.strimzi.io,scaledobjects.keda.sh';
  const out = JSON.parse(await kubectl(['-n', 'lab', 'get', kinds, '-o', 'json']));
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
    await deployLab();
    qdrant = await startQdrantStandin({ preexisting: ['chatbot-docs'] });
    qdrantKeyed = await startQdrantStandin({ apiKey: API_KEY, preexisting: ['chatbot-docs'] });
  } catch (e) {
    setupError = new Error(`setting up the cluster tier's kube-apiserver for the live tier failed: ${(e as Error).message}`);
  }
}, BUILD_TIMEOUT_MS + 300_000);

afterAll(async () => {
  await qdrant?.close();
  await qdrantKeyed?.close();
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
    // The default lab: Redpanda rp and Qdrant qdrant (1 replica each), the completed pod of rp's configure Job.
    expect(check(r, 'kube.api').summary).toMatch(/^context cluster-tier, API server v1\.\d+\.\d+ at https:\/\/127\.0\.0\.1:\d+, namespace lab: 2 StatefulSet\(s\), 0 Deployment\(s\), 3 pod\(s\), 2 PVC\(s\)$/);
    expect(check(r, 'kube.workloads').summary).toBe('2 workload(s) ready: StatefulSet/qdrant 1/1, StatefulSet/rp 1/1');
    const pods = check(r, 'kube.pods');
    // The Job's Succeeded pod is not counted as a pod that should be ready.
    expect(pods.summary).toBe('2 pod(s) ready, 2 restart(s) in total');
    expect(pods.data.map((p: any) => p.pod)).toEqual(['qdrant-0', 'rp-0']);
    expect(pods.data.find((p: any) => p.pod === 'rp-0')).toMatchObject({ restarts: 2, lastTermination: { reason: 'OOMKilled', exitCode: 137 }, node: NODE });
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
    const objects = await installOperatorVariants();
    const kafka = find(objects, 'Kafka').metadata.name;
    const so = find(objects, 'ScaledObject').metadata.name;
    const fresh = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
    expect(check(fresh, 'kube.strimzi').problem.what).toBe(`1 Kafka(s) not Ready: ${kafka} (no Ready condition yet (operator not reconciling?))`);
    // The variant's KEDA scale target, a Deployment the test gave a ready pod: the workloads still pass.
    expect(check(fresh, 'kube.workloads').summary).toMatch(/, Deployment\/dojo-consumer 1\/1$/);
    expect(fresh.code).toBe(1);

    await setCondition('kafka.kafka.strimzi.io', kafka, { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }], kafkaVersion: find(objects, 'Kafka').spec.kafka.version });
    await setCondition('scaledobject.keda.sh', so, {
      conditions: [{ type: 'Ready', status: 'False', reason: 'ScaledObjectCheckFailed', message: "Target resource doesn't exist" }, { type: 'Active', status: 'False' }],
    });
    const mixed = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
    expect(check(mixed, 'kube.strimzi')).toMatchObject({ status: 'passed', summary: '1 Kafka(s) Ready (kafka.strimzi.io/v1)' });
    const keda = check(mixed, 'kube.keda');
    expect(keda.problem.what).toBe(`1 ScaledObject(s) not Ready: ${so} (ScaledObjectCheckFailed Target resource doesn't exist)`);
    expect(keda.problem.fix).toMatch(new RegExp(`scale target of ${so} does not exist`));

    await setCondition('scaledobject.keda.sh', so, { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Active', status: 'False' }] });
    const ok = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
    expect(check(ok, 'kube.keda').status).toBe('passed');
  });

  test('a broken lab: OOMKilled crash loop, a Pending unschedulable pod, an unbound PVC — with fixes', async () => {
    requireCluster();
    // The unschedulable pod is the KEDA variant's consumer (a Deployment's pod), so both workload kinds are judged.
    await installOperatorVariants();
    const qd = workload('lab', 'qdrant');
    const consumer = workload('lab', 'dojo-consumer').pods[0];
    const c = consumer.metadata.name;
    const qdContainer = qd.pods[0].spec.containers[0];
    try {
      await setStatus('statefulset', 'qdrant', { ...stsReady(1, qd.revision), readyReplicas: 0, availableReplicas: 0 });
      await setStatus('pod', 'qdrant-0', {
        phase: 'Running',
        conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: qdContainer.name, image: qdContainer.image, imageID: '', ready: false, started: false, restartCount: 7,
            state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${qdContainer.name}` } },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: now(), finishedAt: now() } },
          },
        ],
      });
      await setStatus('deployment', 'dojo-consumer', { ...deploymentReady(1), readyReplicas: 0, availableReplicas: 0 });
      await setStatus('pod', c, {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory.' }],
      });
      await setStatus('pvc', 'qdrant-storage-qdrant-0', { phase: 'Pending' });

      const r = await verify(['--only', 'kube', '--kubeconfig', cluster.kubeconfig, '--json']);
      expect(r.code).toBe(1);
      const w = check(r, 'kube.workloads');
      expect(w.problem.what).toBe(
        `2 of 3 workload(s) not ready: StatefulSet/qdrant (qdrant-0: qdrant: CrashLoopBackOff (back-off 5m0s restarting failed container=qdrant), last exit OOMKilled); Deployment/dojo-consumer (${c}: unschedulable: 0/1 nodes are available: 1 Insufficient memory.)`,
      );
      expect(w.problem.fix).toBe('container qdrant was OOMKilled: raise its memory limit (Redpanda: keep --memory about 80% of the limit)');
      expect(w.problem.tried).toMatch(/StatefulSet\/qdrant\s+0\/1\s+NOT READY/);
      const p = check(r, 'kube.pods');
      expect(p.status).toBe('failed');
      expect(p.problem.what).toMatch(new RegExp(`^2 pod problem\\(s\\): ${c}: unschedulable: .*Insufficient memory.*; qdrant-0: qdrant: CrashLoopBackOff`));
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

  /** CPU/memory the metrics stand-in reports for each running pod the test created in lab. */
  const USAGE: Record<string, { cpu: string; memory: string }> = { 'rp-0': { cpu: '153m', memory: '1228Mi' }, 'qdrant-0': { cpu: '12m', memory: '180Mi' } };

  async function startStandin(forwards: Record<string, number>) {
    const running = workloads.filter((w) => w.namespace === 'lab' && w.kind !== 'job').flatMap((w) => w.pods);
    standin = await startKubeletStandin(
      {
        kubeconfig: cluster.kubeconfig,
        forwards,
        metrics: running.map((p) => ({
          pod: p.metadata.name,
          containers: p.spec.containers.map((c: Obj) => ({ name: c.name, ...(USAGE[p.metadata.name] ?? { cpu: '1m', memory: '8Mi' }) })),
        })),
        stats: [
          {
            node: NODE,
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

  test('every check passes: tunnels to the broker and Qdrant, usage table, nothing changed in the cluster', async () => {
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
    // The lab's Qdrant has no API key (its StatefulSet references none): verify sends none.
    expect(r.json.targets.qdrant.apiKey).toBe('none');
    expect(qdrant.requests.length).toBeGreaterThan(0);
    expect(qdrant.requests.every((x) => x.apiKey === undefined)).toBe(true);
    expect(check(r, 'kafka.metadata').data.brokers).toEqual([{ id: 1, host: '127.0.0.1', port: adv, reachable: true }]);
    expect(check(r, 'kafka.durability').data).toMatchObject({ produced: 1000, read: 1000, lost: 0, duplicated: 0, outOfOrder: 0 });
    const usage = check(r, 'kube.usage');
    // rp-0, qdrant-0 and the KEDA variant's consumer; the configure Job's completed pod has no metrics.
    expect(usage.summary).toBe('3 pod(s) measured, 2 volume(s) measured');
    // 1228Mi of the synthesized 1536Mi limit (Redpanda's --memory is about 80% of it).
    expect(usage.lines.join('\n')).toMatch(/rp-0\s+153m\s+1\.2 GiB \(80% of limit\)/);
    expect(usage.lines.join('\n')).toMatch(/datadir-rp-0\s+rp-0\s+120 MiB\s+1\.0 GiB\s+12%/);
    expect(s.portForwardRequests).toEqual(expect.arrayContaining(['lab/rp-0:9092', 'lab/qdrant-0:6333']));

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

  test('a Qdrant with an API key: verify reads it from the Secret its StatefulSet references, sends it, never prints it', async () => {
    requireCluster();
    await deployKeyedQdrant();
    const s = await startStandin({ [`${KEYED_NS}/qdrant-0:6333`]: qdrantKeyed.port });
    const before = qdrantKeyed.requests.length;
    const r = await verify(['--port-forward', '--kubeconfig', s.kubeconfig, '-n', KEYED_NS, '--only', 'qdrant', '--json']);
    expectStatuses(r, { 'kube.port-forward': 'passed', 'qdrant.health': 'passed', 'qdrant.collections': 'passed', 'qdrant.vectors': 'passed', 'cleanup': 'passed' });
    expect(r.json.targets.qdrant.apiKey).toBe(`from Secret ${KEYED_NS}/qdrant-apikey key api-key (from the StatefulSet's QDRANT__SERVICE__API_KEY)`);
    const sent = qdrantKeyed.requests.slice(before).filter((x) => x.path.startsWith('/collections'));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((x) => x.apiKey === API_KEY)).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(API_KEY);
    expect([...qdrantKeyed.collections.keys()]).toEqual(['chatbot-docs']);
  });

  test('--qdrant-api-key-secret NAME/KEY reads the key from that Secret; a wrong key name says which keys exist', async () => {
    requireCluster();
    await deployKeyedQdrant();
    const s = await startStandin({ [`${KEYED_NS}/qdrant-0:6333`]: qdrantKeyed.port });
    const ok = await verify(['--port-forward', '--kubeconfig', s.kubeconfig, '-n', KEYED_NS, '--only', 'qdrant', '--qdrant-api-key-secret', 'qdrant-apikey/api-key', '--json']);
    expectStatuses(ok, { 'kube.port-forward': 'passed', 'qdrant.health': 'passed', 'qdrant.collections': 'passed', 'qdrant.vectors': 'passed', 'cleanup': 'passed' });
    expect(ok.json.targets.qdrant.apiKey).toBe(`from Secret ${KEYED_NS}/qdrant-apikey key api-key`);
    const wrong = await verify(['--port-forward', '--kubeconfig', s.kubeconfig, '-n', KEYED_NS, '--only', 'qdrant', '--qdrant-api-key-secret', 'qdrant-apikey/apikey', '--json']);
    expect(wrong.code).toBe(1);
    expect(check(wrong, 'qdrant.health').problem.what).toBe(
      `no Qdrant target: cannot read the API key from Secret ${KEYED_NS}/qdrant-apikey: Secret ${KEYED_NS}/qdrant-apikey has no key "apikey" (keys: api-key)`,
    );
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
      // The ha variant's Redpanda (3 brokers: StatefulSet, Services, ConfigMap, PDB, ...), moved to namespace lab3 so
      // that the lab's one-broker rp stays as it is; the namespace carries the lab Namespace's PodSecurity labels.
      const ha = synthVariants('ha').objects;
      const labNs = find(ha, 'Namespace', 'lab');
      const rpObjects = ha.filter((o) => o.metadata?.namespace === 'lab' && o.metadata?.labels?.['app.kubernetes.io/name'] === 'redpanda');
      const sts = find(rpObjects, 'StatefulSet', 'rp');
      expect(sts.spec.replicas).toBe(3);
      const moved = rpObjects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: 'lab3' } }));
      await kubectl(['apply', '-f', '-'], toYaml([{ ...labNs, metadata: { ...labNs.metadata, name: 'lab3' } }, ...moved]));
      await retargetPortForward(sts, 'lab3', base);
      await materializeStatefulSet(sts, 'lab3');
      await makeEverythingReady();
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
