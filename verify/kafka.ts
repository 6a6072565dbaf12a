import * as fs from 'fs';
import { Admin, Consumer, Kafka, KafkaConfig, Partitioners, Producer, SASLOptions, logLevel } from 'kafkajs';
import { Cleanup } from './cleanup';
import { CheckFailure, ExplainContext, explain, fail } from './errors';
import { probeKafkaEndpoint, tcpReachable } from './probe';
import { CheckContext, CheckOutput } from './report';
import { formatMs, table, withTimeout } from './util';

export const SEED_TOPIC = 'dojo-test';
export const SEED_MESSAGE = 'hello from the dojo';

export interface KafkaTarget {
  brokers: string[];
  /** How the brokers were chosen, for the report ("--kafka-bootstrap", "port-forward to rp-0..2", ...). */
  source: string;
  sasl?: { mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain'; username: string; password: string };
  tls?: { caFile?: string; certFile?: string; keyFile?: string; servername?: string };
  /** verify opened the tunnels itself. */
  portForward: boolean;
  namespace: string;
}

export interface KafkaEnv {
  target: KafkaTarget;
  runId: string;
  timeoutMs: number;
  cleanup: Cleanup;
}

/** Shared state between the Kafka checks of one run. */
export interface KafkaSession {
  kafka: Kafka;
  admin: Admin;
  brokerCount: number;
  /** Recent kafkajs warnings/errors, quoted in failure reports. */
  log: string[];
}

export function describeTarget(t: KafkaTarget): string {
  const proto = `${t.tls ? 'TLS' : 'plaintext'}${t.sasl ? `, SASL ${t.sasl.mechanism.toUpperCase()} as ${t.sasl.username}` : ', no SASL'}`;
  return `${t.brokers.join(',')} (${proto}; ${t.source})`;
}

export function kafkaConfig(env: KafkaEnv, log: string[]): KafkaConfig {
  const t = env.target;
  let ssl: KafkaConfig['ssl'];
  if (t.tls) {
    const read = (f: string | undefined, what: string) => {
      if (!f) return undefined;
      try {
        return fs.readFileSync(f, 'utf8');
      } catch (e) {
        throw new CheckFailure({ what: `cannot read the ${what} ${f}`, tried: `reading ${f}`, fix: `check the path given to --${what.replace(/ /g, '-')}` });
      }
    };
    const ca = read(t.tls.caFile, 'ca file');
    ssl = {
      rejectUnauthorized: true,
      ...(ca ? { ca: [ca] } : {}),
      ...(t.tls.certFile ? { cert: read(t.tls.certFile, 'cert file'), key: read(t.tls.keyFile, 'key file') } : {}),
      ...(t.tls.servername ? { servername: t.tls.servername } : {}),
    };
  }
  const timeout = env.timeoutMs;
  return {
    clientId: 'cdk8s-datastream-verify',
    brokers: t.brokers,
    ssl,
    sasl: t.sasl as SASLOptions | undefined,
    connectionTimeout: Math.min(timeout, 5000),
    authenticationTimeout: Math.min(timeout, 10000),
    requestTimeout: timeout,
    enforceRequestTimeout: true,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, log: entry }) => {
        const broker = (entry as any).broker ? ` (broker ${(entry as any).broker})` : '';
        log.push(`${namespace}: ${entry.message}${broker}`);
        if (log.length > 20) log.shift();
      },
  };
}

function ectx(env: KafkaEnv, action: string, extra = ''): ExplainContext {
  return {
    service: 'kafka',
    action,
    tried: `${action} with kafkajs via ${describeTarget(env.target)}${extra}`,
    endpoint: env.target.brokers[0],
    portForward: env.target.portForward,
    namespace: env.target.namespace,
  };
}

/** Explains a Kafka failure; for ambiguous connection failures it probes the endpoint to say what answers there. */
export async function explainKafka(e: unknown, env: KafkaEnv, action: string, session?: KafkaSession): Promise<CheckFailure> {
  if (e instanceof CheckFailure) return e;
  const c = ectx(env, action);
  const p = explain(e, c);
  // A failure on an address that is not one of the bootstrap brokers is an address the cluster advertised.
  const m = /^(?:connection refused on|cannot resolve host|cannot reach) (\S+)/.exec(p.what);
  if (m && !env.target.brokers.some((b) => b === m[1] || b.split(':')[0] === m[1])) {
    p.what = `bootstrap worked, but the broker address the cluster advertises is not usable from here: ${p.what}`;
    p.fix = env.target.portForward
      ? 'every broker needs a tunnel on the port it advertises: check the datastream.cdk8s.io/port-forward-base annotation against the kafka-local listener\'s advertised ports'
      : env.target.brokers.every((b) => /^(localhost|127\.)/.test(b))
        ? 'brokers advertise their own addresses and clients must reach each of them: with several brokers open one tunnel per broker (`kubectl port-forward pod/rp-<i> <9092+i>:9092`) or use --port-forward'
        : 'the advertised listener addresses must resolve and be routable from this machine; from outside the cluster use --port-forward or an external listener, inside it --in-cluster';
  }
  if (/closed the connection|was reset|TLS handshake|refuses client requests/.test(p.what)) {
    const probe = await probeKafkaEndpoint(env.target.brokers[0], Math.min(env.timeoutMs, 3000)).catch(() => undefined);
    if (probe) {
      p.tried += `; diagnosis: ${probe.note}`;
      if (probe.kind === 'http') p.fix = `${env.target.brokers[0]} is not a Kafka port (an HTTP API such as Qdrant 6333, Redpanda admin 9644 or pandaproxy 8082 answers there); use the Kafka port (9092 via port-forward, 9093 in-cluster)`;
      else if (probe.kind === 'kafka-tls' && !env.target.tls) p.fix = 'the listener requires TLS: add --tls (and --ca-file with its CA)';
      else if (probe.kind === 'tls' && !env.target.tls) p.fix = 'the port speaks TLS: add --tls (and --ca-file), or use the plaintext listener';
      else if (probe.kind === 'kafka' && env.target.tls) p.fix = 'the listener is plaintext: drop --tls, or use the TLS listener';
      else if (probe.kind === 'kafka' && !env.target.sasl && /closed the connection/.test(p.what))
        p.fix = 'a Kafka listener answers but closed the connection after the handshake: it probably requires SASL (--sasl-mechanism scram-sha-512 --username U --password-env VAR)';
    }
  }
  if (/^cannot resolve host .*\.svc/.test(p.what) && env.target.source.startsWith('in-cluster')) {
    p.fix = 'in-cluster Service names resolve only in a pod of the cluster: run verify as a Job/pod there, or from this machine use --port-forward';
  }
  if (session?.log.length) {
    // The last distinct kafkajs log lines that add something the cause does not already say.
    const said = [...new Set(session.log)].filter((l) => !(p.cause ?? '').includes(l.replace(/^[^:]+: /, '').replace(/ \(broker [^)]*\)$/, ''))).slice(-2);
    if (said.length) p.tried += `; kafkajs said: ${said.map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l)).join(' | ')}`;
  }
  return new CheckFailure(p);
}

export async function openSession(env: KafkaEnv, c: CheckContext): Promise<KafkaSession> {
  const log: string[] = [];
  const kafka = new Kafka(kafkaConfig(env, log));
  const admin = kafka.admin();
  env.cleanup.opened('kafka admin client', () => admin.disconnect());
  c.progress(`connecting to ${describeTarget(env.target)}`);
  try {
    await withTimeout(admin.connect(), env.timeoutMs, `connecting to ${env.target.brokers.join(',')}`);
  } catch (e) {
    throw await explainKafka(e, env, 'connecting to the bootstrap brokers', { kafka, admin, brokerCount: 0, log });
  }
  return { kafka, admin, brokerCount: 0, log };
}

interface PartitionRow {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** Like `kcat -L`: brokers, controller, topics and partitions with leader, replicas and ISR. */
export async function metadataCheck(env: KafkaEnv, s: KafkaSession, c: CheckContext): Promise<CheckOutput> {
  c.explainWith(ectx(env, 'reading cluster metadata'));
  let cluster, topics: string[], md;
  try {
    cluster = await withTimeout(s.admin.describeCluster(), env.timeoutMs, 'describing the cluster');
    topics = (await withTimeout(s.admin.listTopics(), env.timeoutMs, 'listing topics')).sort();
    md = topics.length ? await withTimeout(s.admin.fetchTopicMetadata({ topics }), env.timeoutMs, 'fetching topic metadata') : { topics: [] };
  } catch (e) {
    throw await explainKafka(e, env, 'reading cluster metadata', s);
  }
  s.brokerCount = cluster.brokers.length;
  const brokerIds = new Set(cluster.brokers.map((b) => b.nodeId));

  // The addresses the brokers advertise must be reachable from here, or every produce/consume will fail.
  const reach = await Promise.all(
    cluster.brokers.map(async (b) => ({ b, err: await tcpReachable(b.host, b.port, Math.min(env.timeoutMs, 3000)) })),
  );
  const lines: string[] = [`cluster ${cluster.clusterId}, controller ${cluster.controller}, ${cluster.brokers.length} broker(s), ${topics.length} topic(s)`];
  lines.push(
    ...table(
      ['BROKER', 'ADVERTISED', 'ROLE', 'REACHABLE'],
      reach
        .sort((a, b) => a.b.nodeId - b.b.nodeId)
        .map(({ b, err }) => [String(b.nodeId), `${b.host}:${b.port}`, b.nodeId === cluster.controller ? 'controller' : '-', err ? `no (${err})` : 'yes']),
    ),
  );
  const rows: PartitionRow[] = [];
  for (const t of md.topics) {
    for (const p of [...t.partitions].sort((a, b) => a.partitionId - b.partitionId)) {
      rows.push({ topic: t.name, partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr });
    }
  }
  const MAX_ROWS = 60;
  const isInternal = (t: string) => t.startsWith('__') || t === '_schemas';
  const unhealthy = (r: PartitionRow) => r.leader < 0 || !brokerIds.has(r.leader) || r.isr.length < r.replicas.length;
  // User topics in full; internal topics (dozens of partitions) only where something is wrong, plus a summary.
  const shown = rows.filter((r) => !isInternal(r.topic) || unhealthy(r));
  if (shown.length) {
    lines.push(
      ...table(
        ['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR'],
        shown.slice(0, MAX_ROWS).map((r) => [r.topic, String(r.partition), String(r.leader), r.replicas.join(','), r.isr.join(',')]),
      ),
    );
    if (shown.length > MAX_ROWS) lines.push(`… ${shown.length - MAX_ROWS} more partitions (see --json)`);
  }
  for (const t of [...new Set(rows.filter((r) => isInternal(r.topic)).map((r) => r.topic))]) {
    const parts = rows.filter((r) => r.topic === t);
    const leaders = new Map<number, number>();
    for (const r of parts) leaders.set(r.leader, (leaders.get(r.leader) ?? 0) + 1);
    const bad = parts.filter(unhealthy).length;
    lines.push(
      `${t}: ${parts.length} partition(s), leaders ${[...leaders.entries()].sort((a, b) => a[0] - b[0]).map(([id, n]) => `broker ${id}×${n}`).join(', ')}; ${bad ? `${bad} unhealthy (listed above)` : 'all in sync'}`,
    );
  }
  const data = {
    clusterId: cluster.clusterId,
    controller: cluster.controller,
    brokers: reach.map(({ b, err }) => ({ id: b.nodeId, host: b.host, port: b.port, reachable: !err, error: err ?? undefined })),
    topics: md.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ id: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })) })),
  };

  const unreachable = reach.filter((r) => r.err);
  if (unreachable.length) {
    const first = unreachable[0];
    const inClusterName = /\.svc(\.|$)|cluster\.local/.test(first.b.host) || !first.b.host.includes('.');
    throw new CheckFailure({
      what: `${unreachable.length} of ${reach.length} advertised broker address(es) not reachable from here: ${unreachable.map((r) => `${r.b.nodeId}=${r.b.host}:${r.b.port} (${r.err})`).join(', ')}`,
      tried: `bootstrap via ${describeTarget(env.target)} worked; then a TCP connect to each advertised address`,
      fix: env.target.portForward
        ? `open a tunnel for every broker: the port-forward listener must advertise 127.0.0.1:<base+i>; broker ${first.b.nodeId} advertises ${first.b.host}:${first.b.port}`
        : inClusterName
          ? `the brokers advertise in-cluster names; connect through Redpanda's kafka-local listener (--port-forward opens a tunnel per broker), through an external listener (NodePort/LoadBalancer), or run verify inside the cluster with --in-cluster`
          : isLocalOnly(env.target.brokers) && reach.length > 1
            ? `with ${reach.length} brokers every broker needs its own tunnel (\`kubectl port-forward pod/rp-<i> <9092+i>:9092\` for each i), or use --port-forward`
            : 'check that the advertised addresses resolve and are routable from this machine',
    });
  }
  const offline = rows.filter((r) => r.leader < 0 || !brokerIds.has(r.leader));
  const under = rows.filter((r) => r.isr.length < r.replicas.length);
  // Replicas on brokers that are not in the cluster any more (fenced, crashed, not yet back).
  const missing = [...new Set(rows.flatMap((r) => r.replicas).filter((id) => !brokerIds.has(id)))].sort((a, b) => a - b);
  if (offline.length || under.length) {
    throw new CheckFailure(
      {
        what:
          (missing.length ? `broker(s) ${missing.join(', ')} missing from the cluster; ` : '') +
          (offline.length ? `${offline.length} partition(s) without a leader (${offline.slice(0, 5).map((r) => `${r.topic}/${r.partition}`).join(', ')})` : '') +
          (offline.length && under.length ? '; ' : '') +
          (under.length ? `${under.length} under-replicated partition(s) (ISR < replicas: ${under.slice(0, 5).map((r) => `${r.topic}/${r.partition} leader ${r.leader} isr ${r.isr.join(',')} of ${r.replicas.join(',')}`).join(', ')})` : ''),
        tried: `metadata from ${describeTarget(env.target)}`,
        fix:
          offline.length === 0 && missing.length
            ? `broker(s) ${missing.join(', ')} are down: every partition still has a leader — leaders moved to the surviving brokers (leader election) — and the ISR stays short until the broker returns; check \`kubectl get pods\` and the broker's logs`
            : 'a broker is down or still catching up: check `kubectl get pods` and the broker logs; partitions without a leader take no reads or writes until a replica in the ISR comes back',
      },
      { lines, data },
    );
  }
  return {
    summary: `${cluster.brokers.length} broker(s), controller ${cluster.controller}, ${topics.length} topic(s), ${rows.length} partition(s)${rows.length ? ', all with leaders and full ISR' : ''}`,
    lines,
    data,
  };
}

function isLocalOnly(brokers: string[]): boolean {
  return brokers.every((b) => /^(localhost|127\.)/.test(b));
}

function replicationFor(brokerCount: number): number {
  // Redpanda wants an odd replication factor; 3 when the cluster has room for it.
  return brokerCount >= 3 ? 3 : 1;
}

async function ensureDisconnected(x: Producer | Consumer) {
  await x.disconnect();
}

/** Reads messages with a fresh consumer group until `until` says stop; returns what was read. */
export async function consume(
  env: KafkaEnv,
  s: KafkaSession,
  topic: string,
  groupId: string,
  onMessage: (m: { partition: number; offset: string; value: Buffer | null; headers: Record<string, unknown> }) => void,
  done: () => boolean,
  deadlineMs: number,
  label: string,
): Promise<void> {
  const consumer = s.kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 250, retry: { retries: 2 } });
  env.cleanup.created(`consumer group ${groupId}`, `rpk group delete ${groupId}  (or kafka-consumer-groups.sh --delete --group ${groupId})`, async () => {
    await consumer.disconnect().catch(() => undefined);
    await s.admin.deleteGroups([groupId]).catch((e: any) => {
      // GROUP_ID_NOT_FOUND: the group never got committed offsets, nothing is left behind.
      if (!/GROUP_ID_NOT_FOUND|does not exist/i.test(String(e?.message) + JSON.stringify(e?.groups ?? ''))) throw e;
    });
  });
  await withTimeout(consumer.connect(), env.timeoutMs, `connecting consumer group ${groupId}`);
  await withTimeout(consumer.subscribe({ topic, fromBeginning: true }), env.timeoutMs, `subscribing to ${topic}`);
  let crashed: unknown;
  consumer.on(consumer.events.CRASH, (ev: any) => {
    // kafkajs restarts the consumer itself after retriable errors (e.g. a coordinator still loading);
    // only a crash it will not recover from ends the wait early.
    if (ev.payload?.restart === false) crashed = ev.payload?.error ?? new Error('consumer crashed');
    else if (ev.payload?.error) s.log.push(`consumer restarted after: ${ev.payload.error.message}`);
  });
  let finished!: () => void;
  const finishedP = new Promise<void>((r) => (finished = r));
  await consumer.run({
    autoCommit: true,
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        onMessage({ partition: batch.partition, offset: m.offset, value: m.value, headers: m.headers ?? {} });
      }
      if (done()) finished();
    },
  });
  let over = false;
  const poll = (async () => {
    while (!done() && !crashed && !over) await new Promise((r) => setTimeout(r, 50));
    if (crashed) throw crashed;
  })();
  try {
    await withTimeout(Promise.race([finishedP, poll]), deadlineMs, label);
  } finally {
    over = true;
    await withTimeout(consumer.stop(), env.timeoutMs, 'stopping the consumer').catch(() => undefined);
    await withTimeout(ensureDisconnected(consumer), env.timeoutMs, 'disconnecting the consumer').catch(() => undefined);
  }
}

/** Produce one message to a topic of its own (or --topic) and consume it from the beginning. */
export async function roundTripCheck(env: KafkaEnv, s: KafkaSession, c: CheckContext, opts: { topic?: string; message?: string }): Promise<CheckOutput> {
  const own = !opts.topic;
  const topic = opts.topic ?? env.runId;
  const value = opts.message ?? (topic === SEED_TOPIC ? SEED_MESSAGE : `${SEED_MESSAGE} (${env.runId})`);
  const lines: string[] = [];
  let step = 'checking the topic';
  c.explainWith(ectx(env, 'the produce/consume round trip'));
  try {
    const rf = replicationFor(s.brokerCount || 1);
    const exists = (await withTimeout(s.admin.listTopics(), env.timeoutMs, 'listing topics')).includes(topic);
    if (own) {
      step = `creating topic ${topic}`;
      c.progress(`creating topic ${topic} (1 partition, replication factor ${rf})`);
      // Registered before the call: the name is unique to this run, so deleting it can never touch anything else.
      env.cleanup.created(`topic ${topic}`, `rpk topic delete ${topic}  (or kafka-topics.sh --delete --topic ${topic})`, () =>
        s.admin.deleteTopics({ topics: [topic], timeout: env.timeoutMs }),
      );
      await withTimeout(s.admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: rf }], waitForLeaders: true, timeout: env.timeoutMs }), env.timeoutMs * 2, step);
    } else if (!exists) {
      step = `creating topic ${topic}`;
      c.progress(`topic ${topic} does not exist: creating it (1 partition, replication factor ${rf}); it is kept, as --topic names it`);
      await withTimeout(s.admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: rf }], waitForLeaders: true, timeout: env.timeoutMs }), env.timeoutMs * 2, step);
      lines.push(`created topic ${topic} (kept: named by --topic)`);
    }

    step = `producing to ${topic}`;
    const producer = s.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    env.cleanup.opened('kafka producer', () => producer.disconnect());
    await withTimeout(producer.connect(), env.timeoutMs, 'connecting the producer');
    const t0 = Date.now();
    const [meta] = await withTimeout(
      producer.send({ topic, acks: -1, messages: [{ key: env.runId, value, headers: { 'verify-run': env.runId } }] }),
      env.timeoutMs,
      `producing to ${topic}`,
    );
    const produceMs = Date.now() - t0;
    await producer.disconnect();
    const partition = meta.partition;
    const offset = BigInt(meta.baseOffset ?? '0');
    c.progress(`produced '${value}' to ${topic}[${partition}] at offset ${offset} in ${formatMs(produceMs)} (acks=all)`);

    step = `consuming ${topic} from the beginning`;
    let seen = 0;
    let found: { value: string; run: string } | undefined;
    const t1 = Date.now();
    await consume(
      env,
      s,
      topic,
      `${env.runId}-roundtrip`,
      (m) => {
        seen++;
        if (m.partition === partition && BigInt(m.offset) === offset) {
          found = { value: m.value?.toString('utf8') ?? '', run: String(m.headers['verify-run'] ?? '') };
        }
      },
      () => !!found,
      env.timeoutMs * 2,
      `consuming ${topic} from the beginning until offset ${offset}`,
    );
    const consumeMs = Date.now() - t1;
    if (!found || found.value !== value || found.run !== env.runId) {
      fail(
        `read back a different message at ${topic}[${partition}]@${offset}: '${found?.value}'`,
        `produced '${value}' and consumed ${seen} message(s) from the beginning`,
        'another producer wrote to this offset? That cannot happen in Kafka: report this with the broker logs',
      );
    }
    lines.push(`produced '${value}' -> ${topic}[${partition}]@${offset} in ${formatMs(produceMs)}; consumed ${seen} message(s) from the beginning in ${formatMs(consumeMs)}`);
    return {
      summary: `'${value}' produced and consumed back on ${topic}${own ? ' (temporary topic)' : ''} in ${formatMs(produceMs + consumeMs)}`,
      lines,
      data: { topic, ownTopic: own, partition, offset: offset.toString(), message: value, produceMs, consumeMs, messagesRead: seen },
    };
  } catch (e) {
    throw await explainKafka(e, env, step, s);
  }
}
