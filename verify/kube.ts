// Kubernetes checks. @kubernetes/client-node 1.x is an ES module: it is loaded with a dynamic import()
// (kept as-is by the esbuild bundle that `npm run verify` runs), and only when a Kubernetes step needs it,
// so explicit-endpoint runs never pay for loading it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as K8s from '@kubernetes/client-node';
import { CheckFailure, ExplainContext, explain, fail, skip } from './errors';
import { CheckContext, CheckOutput } from './report';
import { formatBytes, formatCpu, formatMs, parseQuantity, table, withTimeout } from './util';

export type K8sModule = typeof K8s;

export interface KubeOptions {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  selector?: string;
  timeoutMs: number;
  maxRestarts?: number;
}

export interface Inventory {
  statefulSets: K8s.V1StatefulSet[];
  deployments: K8s.V1Deployment[];
  pods: K8s.V1Pod[];
  pvcs: K8s.V1PersistentVolumeClaim[];
}

export interface KubeSession {
  k8s: K8sModule;
  kc: K8s.KubeConfig;
  core: K8s.CoreV1Api;
  apps: K8s.AppsV1Api;
  custom: K8s.CustomObjectsApi;
  context: string;
  server: string;
  opts: KubeOptions;
  inventory?: Inventory;
}

/** Annotation on the Redpanda StatefulSet: broker i is reachable on 127.0.0.1:<base+i> through a port-forward. */
export const PORT_FORWARD_BASE_ANNOTATION = 'datastream.cdk8s.io/port-forward-base';
export const QDRANT_API_KEY_ENV = 'QDRANT__SERVICE__API_KEY';

let k8sModule: Promise<K8sModule> | undefined;
export function loadK8s(): Promise<K8sModule> {
  k8sModule ??= import('@kubernetes/client-node');
  return k8sModule;
}

/** Normalises client-node's ApiException (whose message embeds all headers) into `HTTP <code>: <reason>`. */
export function kubeError(e: unknown): Error {
  const x = e as any;
  if (x && typeof x.code === 'number' && 'body' in x) {
    let body = x.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        /* keep text */
      }
    }
    const reason = typeof body === 'object' && body ? body.message ?? body.reason ?? '' : String(body ?? '').slice(0, 200);
    const err = new Error(`HTTP ${x.code}${reason ? `: ${reason}` : ''}`) as Error & { code: number; status: number };
    err.code = x.code;
    err.status = x.code;
    return err;
  }
  return e instanceof Error ? e : new Error(String(e));
}

export function statusOf(e: unknown): number | undefined {
  const x = e as any;
  if (typeof x?.code === 'number') return x.code;
  if (typeof x?.status === 'number') return x.status;
  return undefined;
}

async function call<T>(s: KubeSession | { opts: KubeOptions }, p: Promise<T>, label: string): Promise<T> {
  try {
    return await withTimeout(p, s.opts.timeoutMs, label);
  } catch (e) {
    throw kubeError(e);
  }
}

function ectx(s: KubeSession, action: string): ExplainContext {
  return { service: 'kube', action, tried: `${action} via context ${s.context} (${s.server})`, endpoint: hostPortOf(s.server), namespace: s.opts.namespace };
}

function hostPortOf(server: string): string | undefined {
  try {
    const u = new URL(server);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  } catch {
    return undefined;
  }
}

/**
 * Loads the kubeconfig (explicit file, $KUBECONFIG, ~/.kube/config or the in-cluster service account).
 * Returns undefined when there is no configuration at all.
 */
export async function openKube(opts: KubeOptions): Promise<KubeSession | undefined> {
  if (opts.kubeconfig) {
    if (!fs.existsSync(opts.kubeconfig)) throw new CheckFailure({ what: `kubeconfig ${opts.kubeconfig} does not exist`, tried: `--kubeconfig ${opts.kubeconfig}`, fix: 'check the path' });
  } else {
    const envFiles = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
    const home = path.join(os.homedir(), '.kube', 'config');
    const inCluster = fs.existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token') && !!process.env.KUBERNETES_SERVICE_HOST;
    if (!envFiles.some((f) => fs.existsSync(f)) && !fs.existsSync(home) && !inCluster) return undefined;
  }
  const k8s = await loadK8s();
  const kc = new k8s.KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new CheckFailure({
        what: `kube context "${opts.context}" not found`,
        tried: `contexts in the kubeconfig: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`,
        fix: 'pick one of those with --context, or check --kubeconfig/$KUBECONFIG',
      });
    }
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) return undefined;
  return {
    k8s,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    context: kc.getCurrentContext(),
    server: cluster.server,
    opts,
  };
}

/** kube.api: the API server answers, the namespace exists; loads the inventory the other checks use. */
export async function apiCheck(s: KubeSession, c: CheckContext): Promise<CheckOutput> {
  c.explainWith(ectx(s, 'contacting the API server'));
  const ns = s.opts.namespace;
  let version = '?';
  try {
    const v = await call(s, s.kc.makeApiClient(s.k8s.VersionApi).getCode(), 'GET /version');
    version = v.gitVersion;
  } catch (e) {
    throw new CheckFailure(explain(e, ectx(s, 'contacting the API server (GET /version)')));
  }
  try {
    await call(s, s.core.readNamespace({ name: ns }), `reading namespace ${ns}`);
  } catch (e) {
    if (statusOf(e) === 404) {
      fail(`namespace ${ns} does not exist`, `GET /api/v1/namespaces/${ns} via context ${s.context}`, `deploy the lab first (synthesize the chart and \`kubectl apply -f dist/\`), or pass --namespace`);
    }
    if (statusOf(e) !== 403) throw e; // 403: a namespaced user may not read namespaces; the lists below still tell.
  }
  c.progress(`listing StatefulSets, Deployments, pods and PVCs in ${ns}${s.opts.selector ? ` (selector ${s.opts.selector})` : ''}`);
  s.inventory = await loadInventory(s);
  const inv = s.inventory;
  return {
    summary: `context ${s.context}, API server ${version} at ${s.server}, namespace ${ns}: ${inv.statefulSets.length} StatefulSet(s), ${inv.deployments.length} Deployment(s), ${inv.pods.length} pod(s), ${inv.pvcs.length} PVC(s)`,
    data: { context: s.context, server: s.server, version, namespace: ns },
  };
}

export async function loadInventory(s: KubeSession): Promise<Inventory> {
  const namespace = s.opts.namespace;
  const labelSelector = s.opts.selector;
  const [sts, deps, pods, pvcs] = await Promise.all([
    call(s, s.apps.listNamespacedStatefulSet({ namespace, labelSelector }), 'listing StatefulSets'),
    call(s, s.apps.listNamespacedDeployment({ namespace, labelSelector }), 'listing Deployments'),
    call(s, s.core.listNamespacedPod({ namespace, labelSelector }), 'listing pods'),
    call(s, s.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector }), 'listing PVCs'),
  ]);
  const byName = <T extends { metadata?: { name?: string } }>(a: T[]) => [...a].sort((x, y) => (x.metadata?.name ?? '').localeCompare(y.metadata?.name ?? ''));
  return { statefulSets: byName(sts.items), deployments: byName(deps.items), pods: byName(pods.items), pvcs: byName(pvcs.items) };
}

function podsOf(inv: Inventory, selector: Record<string, string> | undefined): K8s.V1Pod[] {
  if (!selector) return [];
  return inv.pods.filter((p) => Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v));
}

/** The most telling reason a pod is not ready, with a fix. */
export function podTrouble(p: K8s.V1Pod): { reason: string; fix: string } | undefined {
  const name = p.metadata?.name;
  const ns = p.metadata?.namespace ?? 'lab';
  if (p.status?.phase === 'Succeeded') return undefined;
  const sched = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (p.status?.phase === 'Pending' && sched?.status === 'False') {
    const msg = sched.message ?? sched.reason ?? 'unschedulable';
    let fix = `\`kubectl -n ${ns} describe pod ${name}\``;
    if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim.*not found/i.test(msg)) fix = 'its PVC is not bound: is there a default StorageClass (`kubectl get storageclass`)? Or set storageClassName';
    else if (/anti-affinity/i.test(msg)) fix = 'hard pod anti-affinity needs one node per replica: add nodes, lower replicas, or make the anti-affinity soft';
    else if (/Insufficient (cpu|memory)/i.test(msg)) fix = 'the nodes lack free CPU/memory for the requests: lower the resource requests or add capacity';
    else if (/taint/i.test(msg)) fix = 'the nodes are tainted: add a toleration or untaint a node';
    return { reason: `unschedulable: ${msg}`, fix };
  }
  for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    const w = cs.state?.waiting;
    if (w && w.reason && w.reason !== 'ContainerCreating' && w.reason !== 'PodInitializing') {
      const last = cs.lastState?.terminated;
      let fix = `\`kubectl -n ${ns} logs ${name} -c ${cs.name} --previous\``;
      if (/ImagePull|ErrImage/.test(w.reason)) fix = 'the image cannot be pulled: check the image name/tag and registry access (imagePullSecrets)';
      else if (last?.reason === 'OOMKilled') fix = `container ${cs.name} was OOMKilled: raise its memory limit (Redpanda: keep --memory about 80% of the limit)`;
      else if (/CreateContainerConfigError/.test(w.reason)) fix = `a referenced ConfigMap/Secret or key is missing: \`kubectl -n ${ns} describe pod ${name}\``;
      return { reason: `${cs.name}: ${w.reason}${w.message ? ` (${w.message.slice(0, 160)})` : ''}${last?.reason ? `, last exit ${last.reason}` : ''}`, fix };
    }
    if (!cs.ready && cs.state?.running && !p.spec?.initContainers?.some((i) => i.name === cs.name)) {
      return { reason: `${cs.name}: running but not ready (readiness probe failing)`, fix: `\`kubectl -n ${ns} describe pod ${name}\` shows the probe failures; check the container logs` };
    }
  }
  if (p.status?.phase !== 'Running') return { reason: `phase ${p.status?.phase ?? 'unknown'}`, fix: `\`kubectl -n ${ns} describe pod ${name}\`` };
  return undefined;
}

/** kube.workloads: every StatefulSet and Deployment (of the selector) is fully ready and rolled out. */
export async function workloadsCheck(s: KubeSession, c: CheckContext): Promise<CheckOutput> {
  c.explainWith(ectx(s, 'reading workloads'));
  const inv = s.inventory ?? (s.inventory = await loadInventory(s));
  const rows: string[][] = [];
  const bad: { name: string; why: string; fix: string }[] = [];
  const data: unknown[] = [];
  const consider = (kind: string, name: string, desired: number, ready: number, updated: number, selector: Record<string, string> | undefined, rollout: string) => {
    const ok = ready >= desired && (rollout === '' || desired === 0);
    rows.push([`${kind}/${name}`, `${ready}/${desired}`, ok ? 'ready' : 'NOT READY', rollout || (updated < desired ? `updated ${updated}/${desired}` : '')]);
    data.push({ kind, name, desired, ready, updated, ok });
    if (!ok) {
      const trouble = podsOf(inv, selector)
        .map((p) => ({ p, t: podTrouble(p) }))
        .find((x) => x.t);
      bad.push({
        name: `${kind}/${name}`,
        why: trouble ? `${trouble.p.metadata?.name}: ${trouble.t!.reason}` : rollout || `${ready}/${desired} ready`,
        fix: trouble?.t?.fix ?? `\`kubectl -n ${s.opts.namespace} describe ${kind.toLowerCase()} ${name}\``,
      });
    }
  };
  for (const st of inv.statefulSets) {
    const desired = st.spec?.replicas ?? 1;
    const rollout = st.status?.updateRevision && st.status?.currentRevision && st.status.updateRevision !== st.status.currentRevision ? `rolling update in progress (${st.status.updatedReplicas ?? 0}/${desired} updated)` : '';
    consider('StatefulSet', st.metadata!.name!, desired, st.status?.readyReplicas ?? 0, st.status?.updatedReplicas ?? desired, st.spec?.selector?.matchLabels, rollout);
  }
  for (const d of inv.deployments) {
    const desired = d.spec?.replicas ?? 1;
    consider('Deployment', d.metadata!.name!, desired, d.status?.availableReplicas ?? 0, d.status?.updatedReplicas ?? desired, d.spec?.selector?.matchLabels, '');
  }
  if (!rows.length) {
    fail(
      `no StatefulSets or Deployments in namespace ${s.opts.namespace}${s.opts.selector ? ` matching ${s.opts.selector}` : ''}`,
      `listing apps/v1 StatefulSets and Deployments via context ${s.context}`,
      'deploy the lab (Redpanda and Qdrant) first, or pass the right --namespace/--context',
    );
  }
  const lines = table(['WORKLOAD', 'READY', 'STATE', 'NOTE'], rows);
  if (bad.length) {
    throw new CheckFailure({
      what: `${bad.length} of ${rows.length} workload(s) not ready: ${bad.map((b) => `${b.name} (${b.why})`).join('; ')}`,
      tried: `read StatefulSets/Deployments and their pods in ${s.opts.namespace} via context ${s.context}:\n         ${lines.join('\n         ')}`,
      fix: bad[0].fix,
    });
  }
  return { summary: `${rows.length} workload(s) ready: ${rows.map((r) => `${r[0]} ${r[1]}`).join(', ')}`, lines, data };
}

/** kube.pods: pod readiness, restarts and last termination reasons (drill 5's "restarts"). */
export async function podsCheck(s: KubeSession, c: CheckContext): Promise<CheckOutput> {
  c.explainWith(ectx(s, 'reading pods'));
  const inv = s.inventory ?? (s.inventory = await loadInventory(s));
  const pods = inv.pods.filter((p) => p.status?.phase !== 'Succeeded');
  if (!pods.length) skip(`no pods in namespace ${s.opts.namespace}`);
  const rows: string[][] = [];
  const troubles: { pod: string; reason: string; fix: string }[] = [];
  const data: unknown[] = [];
  let totalRestarts = 0;
  for (const p of pods) {
    const cs = p.status?.containerStatuses ?? [];
    const restarts = cs.reduce((n, x) => n + (x.restartCount ?? 0), 0);
    totalRestarts += restarts;
    const last = cs
      .map((x) => x.lastState?.terminated)
      .filter((t): t is K8s.V1ContainerStateTerminated => !!t)
      .sort((a, b) => new Date(b.finishedAt ?? 0).getTime() - new Date(a.finishedAt ?? 0).getTime())[0];
    const ready = `${cs.filter((x) => x.ready).length}/${cs.length || p.spec?.containers.length || 0}`;
    const t = podTrouble(p);
    const name = p.metadata!.name!;
    if (t) troubles.push({ pod: name, ...t });
    if (s.opts.maxRestarts !== undefined && restarts > s.opts.maxRestarts) {
      troubles.push({ pod: name, reason: `${restarts} restarts (more than --max-restarts ${s.opts.maxRestarts})${last?.reason ? `, last ${last.reason}` : ''}`, fix: `\`kubectl -n ${s.opts.namespace} logs ${name} --previous\`` });
    }
    const lastText = last ? `${last.reason ?? 'exit'} (code ${last.exitCode})${last.finishedAt ? ` ${ago(last.finishedAt)}` : ''}` : '-';
    rows.push([name, ready, p.status?.phase ?? '?', String(restarts), lastText, p.spec?.nodeName ?? '-']);
    data.push({ pod: name, ready, phase: p.status?.phase, restarts, lastTermination: last ? { reason: last.reason, exitCode: last.exitCode, finishedAt: last.finishedAt } : undefined, node: p.spec?.nodeName });
  }
  const lines = table(['POD', 'READY', 'PHASE', 'RESTARTS', 'LAST TERMINATION', 'NODE'], rows);
  if (troubles.length) {
    throw new CheckFailure({
      what: `${troubles.length} pod problem(s): ${troubles.map((t) => `${t.pod}: ${t.reason}`).join('; ')}`,
      tried: `read pods in ${s.opts.namespace} via context ${s.context}:\n         ${lines.join('\n         ')}`,
      fix: troubles[0].fix,
    });
  }
  return { summary: `${pods.length} pod(s) ready, ${totalRestarts} restart(s) in total`, lines, data };
}

function ago(ts: string | Date): string {
  const ms = Date.now() - new Date(ts).getTime();
  return Number.isFinite(ms) && ms >= 0 ? `${formatMs(ms).replace(/\.\d+ s$/, ' s')} ago` : '';
}

/** kube.pvcs: every PVC is Bound. */
export async function pvcsCheck(s: KubeSession, c: CheckContext): Promise<CheckOutput> {
  c.explainWith(ectx(s, 'reading PVCs'));
  const inv = s.inventory ?? (s.inventory = await loadInventory(s));
  if (!inv.pvcs.length) skip(`no PersistentVolumeClaims in namespace ${s.opts.namespace}`);
  const rows = inv.pvcs.map((p) => [
    p.metadata!.name!,
    p.status?.phase ?? '?',
    p.status?.capacity?.storage ?? p.spec?.resources?.requests?.storage ?? '?',
    p.spec?.storageClassName ?? '(default)',
    p.spec?.volumeName ?? '-',
  ]);
  const lines = table(['PVC', 'STATUS', 'CAPACITY', 'STORAGECLASS', 'VOLUME'], rows);
  const unbound = inv.pvcs.filter((p) => p.status?.phase !== 'Bound');
  if (unbound.length) {
    const wffc = unbound.some((p) => !p.spec?.volumeName);
    throw new CheckFailure({
      what: `${unbound.length} of ${inv.pvcs.length} PVC(s) not Bound: ${unbound.map((p) => `${p.metadata!.name} (${p.status?.phase ?? '?'})`).join(', ')}`,
      tried: `read PersistentVolumeClaims in ${s.opts.namespace}:\n         ${lines.join('\n         ')}`,
      fix: wffc
        ? 'no volume was provisioned: check that the StorageClass exists and has a provisioner (`kubectl get storageclass`), or, with WaitForFirstConsumer, that the pod got scheduled; `kubectl describe pvc` shows the events'
        : '`kubectl describe pvc` shows why the claim is not bound',
    });
  }
  return { summary: `${inv.pvcs.length} PVC(s) Bound: ${rows.map((r) => `${r[0]} ${r[2]}`).join(', ')}`, lines, data: rows.map(([name, phase, capacity, storageClass]) => ({ name, phase, capacity, storageClass })) };
}

/**
 * kube.usage: CPU and memory per pod from the metrics API (like `kubectl top pods`), volume usage per PVC
 * from the kubelet stats summary (through the API server's node proxy). Skipped when neither is available.
 */
export async function usageCheck(s: KubeSession, c: CheckContext): Promise<CheckOutput> {
  c.explainWith(ectx(s, 'reading resource usage'));
  const inv = s.inventory ?? (s.inventory = await loadInventory(s));
  const ns = s.opts.namespace;
  const lines: string[] = [];
  const notes: string[] = [];
  const data: { pods?: unknown[]; volumes?: unknown[] } = {};
  const podNames = new Set(inv.pods.map((p) => p.metadata!.name!));

  // CPU/memory from metrics.k8s.io
  try {
    c.progress('reading metrics.k8s.io PodMetrics');
    // A plain GET on the aggregated API (client-node's Metrics helper turns a 404 into a JSON parse error).
    const pm = (await call(s, s.custom.listNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace: ns, plural: 'pods' }), 'reading PodMetrics')) as K8s.PodMetricsList;
    const rows: string[][] = [];
    const pods: unknown[] = [];
    for (const m of pm.items.filter((x) => podNames.has(x.metadata.name)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
      const cpu = m.containers.reduce((n, x) => n + (parseQuantity(x.usage.cpu) ?? 0), 0);
      const mem = m.containers.reduce((n, x) => n + (parseQuantity(x.usage.memory) ?? 0), 0);
      const pod = inv.pods.find((p) => p.metadata?.name === m.metadata.name);
      const limit = pod?.spec?.containers.reduce((n, x) => n + (parseQuantity(x.resources?.limits?.memory) ?? NaN), 0);
      const pct = limit && Number.isFinite(limit) ? ` (${Math.round((mem / limit) * 100)}% of limit)` : '';
      rows.push([m.metadata.name, formatCpu(cpu), `${formatBytes(mem)}${pct}`]);
      pods.push({ pod: m.metadata.name, cpuCores: cpu, memoryBytes: mem, memoryLimitBytes: Number.isFinite(limit) ? limit : undefined });
    }
    data.pods = pods;
    if (rows.length) lines.push(...table(['POD', 'CPU', 'MEMORY'], rows));
    else notes.push('metrics API has no samples for these pods yet');
  } catch (e) {
    const st = statusOf(e);
    notes.push(`metrics API not available (${st === 404 || st === 503 ? `metrics.k8s.io: HTTP ${st} — install metrics-server` : (e as Error).message})`);
  }

  // Volume usage from the kubelet stats summary of each node that runs our pods.
  const nodes = [...new Set(inv.pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))];
  const vols: unknown[] = [];
  const vrows: string[][] = [];
  const pvcNames = new Set(inv.pvcs.map((p) => p.metadata!.name!));
  const statErrors: string[] = [];
  for (const node of nodes) {
    try {
      c.progress(`reading kubelet stats summary of node ${node}`);
      const raw = await call(s, s.core.connectGetNodeProxyWithPath({ name: node, path: 'stats/summary' }), `GET nodes/${node}/proxy/stats/summary`);
      const summary = typeof raw === 'string' ? JSON.parse(raw) : raw;
      for (const pod of summary?.pods ?? []) {
        if (pod.podRef?.namespace !== ns) continue;
        for (const v of pod.volume ?? []) {
          if (!v.pvcRef?.name || !pvcNames.has(v.pvcRef.name)) continue;
          const pct = v.capacityBytes ? Math.round((v.usedBytes / v.capacityBytes) * 100) : undefined;
          vrows.push([v.pvcRef.name, pod.podRef.name, formatBytes(v.usedBytes), formatBytes(v.capacityBytes), pct === undefined ? '?' : `${pct}%`]);
          vols.push({ pvc: v.pvcRef.name, pod: pod.podRef.name, usedBytes: v.usedBytes, capacityBytes: v.capacityBytes, availableBytes: v.availableBytes });
        }
      }
    } catch (e) {
      const st = statusOf(e);
      statErrors.push(`${node}: ${st === 403 ? 'HTTP 403 (needs nodes/proxy get)' : (e as Error).message}`);
    }
  }
  if (vrows.length) {
    lines.push(...table(['PVC', 'POD', 'USED', 'CAPACITY', 'USE%'], vrows.sort((a, b) => a[0].localeCompare(b[0]))));
    data.volumes = vols;
  } else if (statErrors.length) {
    notes.push(`volume usage not available (kubelet stats: ${statErrors.join('; ')})`);
  } else if (!nodes.length) {
    notes.push('volume usage not available (no scheduled pods)');
  } else if (pvcNames.size) {
    notes.push('volume usage not available (kubelet stats list no volumes for these PVCs)');
  }
  if (!data.pods && !data.volumes) skip(notes.join('; '));
  const full = vols.filter((v: any) => v.capacityBytes && v.usedBytes / v.capacityBytes > 0.9) as any[];
  if (full.length) {
    throw new CheckFailure({
      what: `volume(s) over 90% full: ${full.map((v) => `${v.pvc} ${formatBytes(v.usedBytes)} of ${formatBytes(v.capacityBytes)}`).join(', ')}`,
      tried: 'kubelet stats summary through the API server node proxy',
      fix: 'expand the PVC (needs a StorageClass with allowVolumeExpansion) or lower retention; a full disk stops Kafka/Redpanda and Qdrant writes',
    });
  }
  lines.push(...notes.map((n) => `note: ${n}`));
  return {
    summary: [data.pods ? `${(data.pods as unknown[]).length} pod(s) measured` : 'no CPU/memory (metrics API missing)', data.volumes ? `${vols.length} volume(s) measured` : 'no volume usage'].join(', '),
    lines,
    data,
  };
}

interface CrCheck {
  group: string;
  versions: string[];
  plural: string;
  kind: string;
  what: string;
}

async function listCr(s: KubeSession, cr: CrCheck): Promise<{ version: string; items: any[] } | undefined> {
  for (const version of cr.versions) {
    try {
      const r = await call(s, s.custom.listNamespacedCustomObject({ group: cr.group, version, namespace: s.opts.namespace, plural: cr.plural }), `listing ${cr.plural}.${cr.group}/${version}`);
      return { version, items: (r as any)?.items ?? [] };
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }
  return undefined;
}

/** Ready condition of custom resources (Strimzi Kafka, KEDA ScaledObject). Skipped when not installed/deployed. */
async function readyConditionCheck(s: KubeSession, c: CheckContext, cr: CrCheck, fixFor: (name: string, msg: string) => string): Promise<CheckOutput> {
  c.explainWith(ectx(s, `listing ${cr.kind} resources`));
  const found = await listCr(s, cr);
  if (!found) skip(`${cr.what} not installed (no ${cr.plural}.${cr.group} API)`);
  if (!found.items.length) skip(`no ${cr.kind} resources in namespace ${s.opts.namespace}`);
  const rows: string[][] = [];
  const bad: { name: string; msg: string }[] = [];
  for (const o of found.items) {
    const name = o.metadata?.name;
    const conds: any[] = o.status?.conditions ?? [];
    const ready = conds.find((x) => x.type === 'Ready');
    const others = conds
      .filter((x) => x.type !== 'Ready')
      .map((x) => `${x.type}=${x.status}`)
      .join(' ');
    rows.push([name, ready ? ready.status : 'no condition', [ready?.reason, ready?.message].filter(Boolean).join(': ').slice(0, 120), others]);
    if (ready?.status !== 'True') bad.push({ name, msg: ready ? `${ready.reason ?? ''} ${ready.message ?? ''}`.trim() : 'no Ready condition yet (operator not reconciling?)' });
  }
  const lines = table([cr.kind.toUpperCase(), 'READY', 'REASON', 'OTHER CONDITIONS'], rows);
  if (bad.length) {
    throw new CheckFailure({
      what: `${bad.length} ${cr.kind}(s) not Ready: ${bad.map((b) => `${b.name} (${b.msg})`).join('; ')}`,
      tried: `read ${cr.plural}.${cr.group}/${found.version} in ${s.opts.namespace}`,
      fix: fixFor(bad[0].name, bad[0].msg),
    });
  }
  return { summary: `${found.items.length} ${cr.kind}(s) Ready (${cr.group}/${found.version})`, lines, data: rows.map(([name, ready]) => ({ name, ready })) };
}

export function strimziCheck(s: KubeSession, c: CheckContext): Promise<CheckOutput> {
  return readyConditionCheck(s, c, { group: 'kafka.strimzi.io', versions: ['v1', 'v1beta2'], plural: 'kafkas', kind: 'Kafka', what: 'Strimzi' }, (name, msg) =>
    /NotReady|Creating|Waiting/i.test(msg) || !msg
      ? `the operator is still reconciling ${name}: \`kubectl -n ${s.opts.namespace} describe kafka ${name}\` and the strimzi-cluster-operator logs`
      : `see \`kubectl -n ${s.opts.namespace} get kafka ${name} -o yaml\` (status.conditions) and the strimzi-cluster-operator logs`,
  );
}

export function kedaCheck(s: KubeSession, c: CheckContext): Promise<CheckOutput> {
  return readyConditionCheck(s, c, { group: 'keda.sh', versions: ['v1alpha1'], plural: 'scaledobjects', kind: 'ScaledObject', what: 'KEDA' }, (name, msg) =>
    /scaleTarget|not found|doesn't exist|does not exist/i.test(msg)
      ? `the scale target of ${name} does not exist: check spec.scaleTargetRef`
      : `\`kubectl -n ${s.opts.namespace} describe scaledobject ${name}\` and the keda-operator logs (bootstrapServers reachable? TriggerAuthentication right?)`,
  );
}

// ---------------------------------------------------------------- discovery for the Kafka/Qdrant steps

export interface RedpandaDiscovery {
  name: string;
  replicas: number;
  portForwardBase: number;
  /** Container port of the port-forward listener (named kafka-local), 9092 if not named. */
  localListenerPort: number;
  pods: string[];
}

export async function discoverRedpanda(s: KubeSession, name: string): Promise<RedpandaDiscovery | undefined> {
  let st: K8s.V1StatefulSet;
  try {
    st = await call(s, s.apps.readNamespacedStatefulSet({ name, namespace: s.opts.namespace }), `reading StatefulSet ${name}`);
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
  const replicas = st.spec?.replicas ?? 1;
  const base = Number(st.metadata?.annotations?.[PORT_FORWARD_BASE_ANNOTATION] ?? 9092);
  const ports = st.spec?.template?.spec?.containers.flatMap((c) => c.ports ?? []) ?? [];
  const local = ports.find((p) => p.name === 'kafka-local')?.containerPort ?? 9092;
  return { name, replicas, portForwardBase: Number.isInteger(base) && base > 0 ? base : 9092, localListenerPort: local, pods: Array.from({ length: replicas }, (_, i) => `${name}-${i}`) };
}

export interface QdrantDiscovery {
  name: string;
  pod?: string;
  httpPort: number;
  apiKeyRef?: { name: string; key: string };
}

export async function discoverQdrant(s: KubeSession, name: string): Promise<QdrantDiscovery | undefined> {
  let st: K8s.V1StatefulSet;
  try {
    st = await call(s, s.apps.readNamespacedStatefulSet({ name, namespace: s.opts.namespace }), `reading StatefulSet ${name}`);
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
  const containers = st.spec?.template?.spec?.containers ?? [];
  const http = containers.flatMap((c) => c.ports ?? []).find((p) => p.name === 'http')?.containerPort ?? 6333;
  let apiKeyRef: QdrantDiscovery['apiKeyRef'];
  for (const c of containers) {
    const ref = c.env?.find((e) => e.name === QDRANT_API_KEY_ENV)?.valueFrom?.secretKeyRef;
    if (ref?.name && ref.key) apiKeyRef = { name: ref.name, key: ref.key };
  }
  const inv = s.inventory ?? (s.inventory = await loadInventory(s));
  const sel = st.spec?.selector?.matchLabels;
  const pods = podsOf(inv, sel).filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return { name, pod: pods[0]?.metadata?.name ?? `${name}-0`, httpPort: http, apiKeyRef };
}

export async function readSecretKey(s: KubeSession, name: string, key: string): Promise<string> {
  const sec = await call(s, s.core.readNamespacedSecret({ name, namespace: s.opts.namespace }), `reading Secret ${name}`);
  const v = sec.data?.[key];
  if (v === undefined) throw new Error(`Secret ${s.opts.namespace}/${name} has no key "${key}" (keys: ${Object.keys(sec.data ?? {}).join(', ') || 'none'})`);
  return Buffer.from(v, 'base64').toString('utf8');
}

export async function discoverStrimziBootstrap(s: KubeSession): Promise<string | undefined> {
  const found = await listCr(s, { group: 'kafka.strimzi.io', versions: ['v1', 'v1beta2'], plural: 'kafkas', kind: 'Kafka', what: 'Strimzi' }).catch(() => undefined);
  const k = found?.items[0];
  return k ? `${k.metadata.name}-kafka-bootstrap.${s.opts.namespace}.svc:9092` : undefined;
}
