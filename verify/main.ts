// `npm run verify`: checks a deployed datastream stack the way module 07's drills 3–5 do.
// Entry point for scripts/verify.js (bundled by scripts/ts-run.js); not part of the library's import surface.
import { Group, HELP, Options, UsageError, parseArgs, selection } from './args';
import { Cleanup, CleanupOutcome } from './cleanup';
import { durabilityCheck } from './durability';
import { CheckFailure, explain, fail } from './errors';
import { KafkaEnv, KafkaSession, KafkaTarget, describeTarget, metadataCheck, openSession, roundTripCheck } from './kafka';
import type { KubeSession } from './kube';
import { QdrantEnv, QdrantTarget, collectionsCheck, healthCheck, vectorsCheck } from './qdrant';
import { CheckResult, Reporter, Writer } from './report';
import { errorMessage, formatMs, newRunId } from './util';

export interface MainIo {
  stdout: Writer;
  stderr: Writer;
  env: NodeJS.ProcessEnv;
  /** Install SIGINT/SIGTERM handlers (off for in-process tests). */
  signals: boolean;
}

export interface JsonReport {
  tool: 'cdk8s-datastream verify';
  version: 1;
  runId: string;
  startedAt: string;
  durationMs: number;
  ok: boolean;
  interrupted: boolean;
  exitCode: number;
  counts: { passed: number; failed: number; skipped: number };
  targets: { kube?: { context: string; server: string; namespace: string }; kafka?: { brokers: string[]; source: string; tls: boolean; sasl?: string }; qdrant?: { url: string; source: string; apiKey: string } };
  checks: CheckResult[];
  cleanup: CleanupOutcome;
}

/** Runs verify with command-line arguments; resolves to the process exit code. */
export async function main(argv: string[], io: Partial<MainIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  let o: Options;
  try {
    o = parseArgs(argv, env);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr.write(`verify: ${e.message}\n\n${HELP}`);
      return 2;
    }
    throw e;
  }
  if (o.help) {
    stdout.write(HELP);
    return 0;
  }
  const run = new Run(o, { stdout, stderr, env, signals: io.signals ?? true });
  return run.execute();
}

class Run {
  private readonly rep: Reporter;
  private readonly cleanup: Cleanup;
  private readonly runId = newRunId();
  private readonly started = Date.now();
  private readonly timeoutMs: number;
  private kube?: KubeSession;
  private kubeProblem?: string;
  private kafkaTarget?: KafkaTarget;
  private qdrantTarget?: QdrantTarget;
  private readonly targetProblems = new Map<'kafka' | 'qdrant', string>();
  private interrupted = false;
  private finished = false;

  constructor(
    private readonly o: Options,
    private readonly io: MainIo,
  ) {
    this.timeoutMs = o.timeoutSec * 1000;
    this.rep = new Reporter({ out: o.json ? io.stderr : io.stdout, quiet: o.quiet, color: o.color });
    this.cleanup = new Cleanup(this.timeoutMs);
  }

  private sel(g: Group) {
    return selection(this.o, g);
  }

  async execute(): Promise<number> {
    const onSignal = (sig: NodeJS.Signals) => void this.interrupt(sig);
    if (this.io.signals) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    try {
      this.rep.line(`cdk8s-datastream verify · run ${this.runId}`);
      await this.kubernetesPhase();
      await this.resolveTargets();
      if (this.sel('kafka') !== 'off' || this.sel('durability') !== 'off') await this.kafkaPhase();
      if (this.sel('qdrant') !== 'off') await this.qdrantPhase();
    } catch (e) {
      // A bug or an unexpected throw outside a check: report it as a failed step rather than a stack trace.
      this.rep.results.push({ id: 'verify', title: 'verify', status: 'failed', durationMs: 0, summary: errorMessage(e), lines: [], problem: { what: errorMessage(e), tried: 'running verify', fix: 'this is a bug in verify: please report it with --json output', cause: (e as Error)?.stack } });
    } finally {
      if (this.io.signals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
    if (this.interrupted) return new Promise<number>(() => undefined); // the signal handler finishes the run
    return this.finish(false);
  }

  private async interrupt(sig: NodeJS.Signals): Promise<void> {
    if (this.finished) return;
    if (this.interrupted) {
      this.io.stderr.write('verify: second signal, exiting without waiting for cleanup\n');
      process.exit(130);
    }
    this.interrupted = true;
    this.rep.interruptedBy = sig;
    this.cleanup.close();
    this.rep.line('');
    this.rep.line(`${sig}: stopping, removing what this run created …`);
    process.exit(await this.finish(sig));
  }

  /** `interrupted`: the signal that stopped the run, if any (exit 130 for SIGINT, 143 for SIGTERM). */
  private async finish(interrupted: NodeJS.Signals | false): Promise<number> {
    this.finished = true;
    const outcome = await this.runCleanup();
    const counts = this.rep.counts();
    let exitCode = counts.failed > 0 || (this.o.strict && counts.skipped > 0) ? 1 : 0;
    if (interrupted) exitCode = interrupted === 'SIGINT' ? 130 : 143;
    this.rep.line('');
    this.rep.line('Summary');
    for (const l of this.rep.summaryLines()) this.rep.line(`  ${l}`);
    this.rep.line('');
    this.rep.line(
      `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${this.o.strict && counts.skipped ? ' (skips count as failures: --strict)' : ''} in ${formatMs(Date.now() - this.started)}${interrupted ? ` — interrupted by ${interrupted}` : ''} — exit ${exitCode}`,
    );
    if (this.o.json) {
      const report: JsonReport = {
        tool: 'cdk8s-datastream verify',
        version: 1,
        runId: this.runId,
        startedAt: new Date(this.started).toISOString(),
        durationMs: Date.now() - this.started,
        ok: exitCode === 0,
        interrupted: !!interrupted,
        exitCode,
        counts,
        targets: {
          kube: this.kube ? { context: this.kube.context, server: this.kube.server, namespace: this.o.namespace } : undefined,
          kafka: this.kafkaTarget
            ? { brokers: this.kafkaTarget.brokers, source: this.kafkaTarget.source, tls: !!this.kafkaTarget.tls, sasl: this.kafkaTarget.sasl ? `${this.kafkaTarget.sasl.mechanism}:${this.kafkaTarget.sasl.username}` : undefined }
            : undefined,
          qdrant: this.qdrantTarget ? { url: this.qdrantTarget.url, source: this.qdrantTarget.source, apiKey: this.qdrantTarget.apiKey ? `from ${this.qdrantTarget.apiKeySource}` : 'none' } : undefined,
        },
        checks: this.rep.results,
        cleanup: outcome,
      };
      this.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    }
    return exitCode;
  }

  private async runCleanup(): Promise<CleanupOutcome> {
    const hadCreated = this.cleanup.hasCreated;
    const t0 = Date.now();
    const outcome = await this.cleanup.runAll();
    if (hadCreated) {
      const r: CheckResult = outcome.leftBehind.length
        ? {
            id: 'cleanup',
            title: 'removing what this run created',
            status: 'failed',
            durationMs: Date.now() - t0,
            summary: `could not remove ${outcome.leftBehind.map((x) => x.label).join(', ')}`,
            lines: outcome.removed.map((x) => `removed ${x}`),
            problem: {
              what: `left behind: ${outcome.leftBehind.map((x) => `${x.label} (${x.error})`).join('; ')}`,
              tried: `deleting, each within ${formatMs(this.timeoutMs)}`,
              fix: `remove by hand: ${outcome.leftBehind.map((x) => x.manual).join(' ; ')}`,
            },
          }
        : { id: 'cleanup', title: 'removing what this run created', status: 'passed', durationMs: Date.now() - t0, summary: `removed ${outcome.removed.join(', ')}`, lines: [] };
      this.rep.results.push(r);
      this.rep.line(`${r.status === 'passed' ? '[ ok ]' : '[FAIL]'} cleanup  ${formatMs(r.durationMs)}  ${r.summary}`);
      if (r.problem) {
        this.rep.line(`       what:  ${r.problem.what}`);
        this.rep.line(`       fix:   ${r.problem.fix}`);
      }
    }
    return outcome;
  }

  // ------------------------------------------------------------------ Kubernetes

  private needsKube(): boolean {
    if (!this.o.kube) return false;
    if (this.sel('kube') !== 'off' || this.o.portForward || this.o.inCluster || this.o.qdrantApiKeySecret) return true;
    // Auto-discovery of the Qdrant API key from the StatefulSet.
    return this.sel('qdrant') !== 'off' && !this.o.qdrantApiKeyEnv;
  }

  private async kubernetesPhase(): Promise<void> {
    const o = this.o;
    if (!this.needsKube()) {
      if (this.sel('kube') !== 'off') this.rep.skipped('kube', 'Kubernetes checks', 'Kubernetes not used (--no-kube)');
      return;
    }
    const kubeMod = await import('./kube');
    const kopts = { kubeconfig: o.kubeconfig, context: o.context, namespace: o.namespace, selector: o.selector, timeoutMs: this.timeoutMs, maxRestarts: o.maxRestarts };
    try {
      this.kube = await kubeMod.openKube(kopts);
      if (!this.kube) this.kubeProblem = 'no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not running in a cluster';
    } catch (e) {
      this.kubeProblem = e instanceof CheckFailure ? e.problem.what : errorMessage(e);
      if (this.sel('kube') !== 'off') {
        this.rep.results.push({ id: 'kube.api', title: 'Kubernetes API', status: 'failed', durationMs: 0, summary: this.kubeProblem, lines: [], problem: e instanceof CheckFailure ? e.problem : explain(e, { service: 'kube', action: 'loading the kubeconfig', tried: 'loading the kubeconfig' }) });
        this.rep.line(`[FAIL] kube.api  ${this.kubeProblem}`);
        return;
      }
    }
    const kube = this.kube;
    if (this.sel('kube') === 'off') return;
    if (!kube) {
      if (this.sel('kube') === 'required') {
        await this.rep.run('kube.api', 'Kubernetes API', this.timeoutMs, async () =>
          fail(this.kubeProblem!, 'looking for a kube context', 'point --kubeconfig/--context at the lab cluster, or drop --only kube'),
        );
      } else {
        this.rep.skipped('kube', 'Kubernetes checks', this.kubeProblem!);
      }
      return;
    }
    const api = await this.rep.run('kube.api', `Kubernetes API and namespace ${o.namespace}`, this.timeoutMs * 3, (c) => kubeMod.apiCheck(kube, c));
    const ids: [string, string, (c: any) => Promise<any>][] = [
      ['kube.workloads', 'StatefulSets and Deployments ready', (c) => kubeMod.workloadsCheck(kube, c)],
      ['kube.pods', 'pods ready, restarts', (c) => kubeMod.podsCheck(kube, c)],
      ['kube.pvcs', 'PersistentVolumeClaims bound', (c) => kubeMod.pvcsCheck(kube, c)],
      ['kube.usage', 'CPU, memory and volume usage', (c) => kubeMod.usageCheck(kube, c)],
      ['kube.strimzi', 'Strimzi Kafka Ready', (c) => kubeMod.strimziCheck(kube, c)],
      ['kube.keda', 'KEDA ScaledObject Ready', (c) => kubeMod.kedaCheck(kube, c)],
    ];
    for (const [id, title, fn] of ids) {
      if (api.status !== 'passed') this.rep.skipped(id, title, 'kube.api failed');
      else await this.rep.run(id, title, this.timeoutMs * 3, fn);
    }
  }

  // ------------------------------------------------------------------ targets

  private async resolveTargets(): Promise<void> {
    const o = this.o;
    const ns = o.namespace;
    const wantKafka = this.sel('kafka') !== 'off' || this.sel('durability') !== 'off';
    const wantQdrant = this.sel('qdrant') !== 'off';
    const kubeMod = this.kube ? await import('./kube') : undefined;
    const kube = this.kube;

    // Kafka SASL/TLS settings (shared by every way of reaching the brokers).
    let sasl: KafkaTarget['sasl'];
    if (o.saslMechanism) {
      const password = this.io.env[o.passwordEnv!];
      if (password === undefined) this.targetProblems.set('kafka', `environment variable ${o.passwordEnv} (--password-env) is not set`);
      else sasl = { mechanism: o.saslMechanism, username: o.username!, password };
    }
    const tls = o.tls ? { caFile: o.caFile, certFile: o.certFile, keyFile: o.keyFile, servername: o.tlsServername } : undefined;

    let kafkaBrokers: string[] | undefined;
    let kafkaSource = '';
    let qdrantUrl: string | undefined;
    let qdrantSource = '';

    if (o.portForward) {
      const needKafka = wantKafka && !o.kafkaBootstrap;
      const needQdrant = wantQdrant && !o.qdrantUrl;
      const r = await this.rep.run('kube.port-forward', 'opening tunnels through the API server', this.timeoutMs * 4, async (c) => {
        if (!kube || !kubeMod) fail(`cannot port-forward: ${this.kubeProblem ?? 'no Kubernetes access'}`, '--port-forward', 'point --kubeconfig/--context at the lab cluster');
        const { openTunnel } = await import('./portforward');
        const lines: string[] = [];
        const tunnelFailures: CheckFailure[] = [];
        if (needKafka) {
          const rp = await kubeMod.discoverRedpanda(kube, o.redpandaName);
          if (!rp) {
            const strimzi = await kubeMod.discoverStrimziBootstrap(kube);
            fail(
              `no Redpanda StatefulSet "${o.redpandaName}" in namespace ${ns}`,
              `GET statefulsets/${o.redpandaName} in ${ns}`,
              strimzi
                ? `Strimzi brokers advertise in-cluster addresses, which a port-forward cannot serve: add an external listener (nodeport) and pass --kafka-bootstrap, or run verify in the cluster with --in-cluster (bootstrap ${strimzi})`
                : 'pass --redpanda-name, or --kafka-bootstrap if you tunnel yourself',
            );
          }
          const ports: string[] = [];
          const opened: string[] = [];
          for (let i = 0; i < rp.replicas; i++) {
            const local = rp.portForwardBase + i;
            c.progress(`tunnel 127.0.0.1:${local} -> ${ns}/${rp.pods[i]}:${rp.localListenerPort}`);
            try {
              const t = await openTunnel(kube, rp.pods[i], rp.localListenerPort, local, this.timeoutMs);
              this.cleanup.opened(`tunnel to ${rp.pods[i]}`, () => t.close());
              ports.push(`127.0.0.1:${t.localPort}`);
              opened.push(rp.pods[i]);
              lines.push(`127.0.0.1:${t.localPort} -> ${rp.pods[i]}:${rp.localListenerPort}`);
            } catch (e) {
              // One broker down must not hide the others: keep going, report it at the end.
              if (!(e instanceof CheckFailure)) throw e;
              tunnelFailures.push(e);
            }
          }
          if (ports.length) {
            kafkaBrokers = ports;
            kafkaSource = `port-forward to ${opened.join(', ')} (base ${rp.portForwardBase} from ${kubeMod.PORT_FORWARD_BASE_ANNOTATION})`;
          }
        }
        if (needQdrant) {
          const qd = await kubeMod.discoverQdrant(kube, o.qdrantName);
          if (!qd && tunnelFailures.length) throw tunnelFailures[0];
          if (!qd) fail(`no Qdrant StatefulSet "${o.qdrantName}" in namespace ${ns}`, `GET statefulsets/${o.qdrantName} in ${ns}`, 'pass --qdrant-name, or --qdrant-url if you tunnel yourself');
          c.progress(`tunnel 127.0.0.1:<free port> -> ${ns}/${qd.pod}:${qd.httpPort}`);
          try {
            const t = await openTunnel(kube, qd.pod!, qd.httpPort, 0, this.timeoutMs);
            this.cleanup.opened(`tunnel to ${qd.pod}`, () => t.close());
            qdrantUrl = `http://127.0.0.1:${t.localPort}`;
            qdrantSource = `port-forward to ${qd.pod}:${qd.httpPort}`;
            lines.push(`127.0.0.1:${t.localPort} -> ${qd.pod}:${qd.httpPort}`);
          } catch (e) {
            if (!(e instanceof CheckFailure)) throw e;
            tunnelFailures.push(e);
          }
        }
        if (tunnelFailures.length) {
          const [first, ...more] = tunnelFailures;
          throw new CheckFailure(
            {
              ...first.problem,
              what: `${first.problem.what}${more.length ? ` (and ${more.length} more: ${more.map((f) => f.problem.what).join('; ')})` : ''}${lines.length ? `; open: ${lines.join(', ')}` : ''}`,
            },
            { lines },
          );
        }
        return { summary: `${lines.length} tunnel(s) open: ${lines.join(', ')}`, lines: [] };
      });
      if (r.status !== 'passed') {
        if (needKafka && !kafkaBrokers) this.targetProblems.set('kafka', 'no tunnel (kube.port-forward failed)');
        if (needQdrant && !qdrantUrl) this.targetProblems.set('qdrant', 'no tunnel (kube.port-forward failed)');
      }
    }

    if (wantKafka && !this.targetProblems.has('kafka')) {
      if (o.kafkaBootstrap) {
        kafkaBrokers = o.kafkaBootstrap;
        kafkaSource = '--kafka-bootstrap';
      } else if (!kafkaBrokers && o.inCluster) {
        const rp = kube && kubeMod ? await kubeMod.discoverRedpanda(kube, o.redpandaName).catch(() => undefined) : undefined;
        const strimzi = !rp && kube && kubeMod ? await kubeMod.discoverStrimziBootstrap(kube) : undefined;
        kafkaBrokers = [strimzi ?? `${o.redpandaName}.${ns}.svc.cluster.local:9093`];
        kafkaSource = strimzi ? 'in-cluster Strimzi bootstrap Service' : `in-cluster Service ${o.redpandaName} (kafka 9093)`;
      } else if (!kafkaBrokers) {
        kafkaBrokers = ['localhost:9092'];
        kafkaSource = "default: the seed's `kubectl port-forward svc/rp 9092:9092`";
      }
      if (kafkaBrokers) this.kafkaTarget = { brokers: kafkaBrokers, source: kafkaSource, sasl, tls, portForward: o.portForward && !o.kafkaBootstrap, namespace: ns };
    }

    if (wantQdrant && !this.targetProblems.has('qdrant')) {
      if (o.qdrantUrl) {
        qdrantUrl = o.qdrantUrl;
        qdrantSource = '--qdrant-url';
      } else if (!qdrantUrl && o.inCluster) {
        qdrantUrl = `http://${o.qdrantName}.${ns}.svc.cluster.local:6333`;
        qdrantSource = `in-cluster Service ${o.qdrantName}`;
      } else if (!qdrantUrl) {
        qdrantUrl = 'http://localhost:6333';
        qdrantSource = "default: the seed's `kubectl port-forward svc/qdrant 6333:6333`";
      }
      const t: QdrantTarget = { url: qdrantUrl!.replace(/\/+$/, ''), source: qdrantSource, portForward: o.portForward && !o.qdrantUrl, namespace: ns };
      if (o.qdrantApiKeyEnv) {
        const key = this.io.env[o.qdrantApiKeyEnv];
        if (key === undefined) this.targetProblems.set('qdrant', `environment variable ${o.qdrantApiKeyEnv} (--qdrant-api-key-env) is not set`);
        t.apiKey = key;
        t.apiKeySource = `env ${o.qdrantApiKeyEnv}`;
      } else if (o.qdrantApiKeySecret) {
        if (!kube || !kubeMod) this.targetProblems.set('qdrant', `--qdrant-api-key-secret needs Kubernetes access (${this.kubeProblem ?? '--no-kube'})`);
        else {
          try {
            t.apiKey = await kubeMod.readSecretKey(kube, o.qdrantApiKeySecret.name, o.qdrantApiKeySecret.key);
            t.apiKeySource = `Secret ${ns}/${o.qdrantApiKeySecret.name} key ${o.qdrantApiKeySecret.key}`;
          } catch (e) {
            this.targetProblems.set('qdrant', `cannot read the API key from Secret ${ns}/${o.qdrantApiKeySecret.name}: ${errorMessage(e)}`);
          }
        }
      } else if (kube && kubeMod) {
        // The construct wires QDRANT__SERVICE__API_KEY from a Secret; reuse it when we may read it.
        try {
          const qd = await kubeMod.discoverQdrant(kube, o.qdrantName);
          if (qd?.apiKeyRef) {
            try {
              t.apiKey = await kubeMod.readSecretKey(kube, qd.apiKeyRef.name, qd.apiKeyRef.key);
              t.apiKeySource = `Secret ${ns}/${qd.apiKeyRef.name} key ${qd.apiKeyRef.key} (from the StatefulSet's ${kubeMod.QDRANT_API_KEY_ENV})`;
            } catch (e) {
              this.rep.line(`       note: Qdrant uses an API key from Secret ${qd.apiKeyRef.name}, but reading it failed (${errorMessage(e)}); pass --qdrant-api-key-env`);
            }
          }
        } catch {
          /* discovery is best-effort */
        }
      }
      this.qdrantTarget = t;
    }

    if (this.kafkaTarget) this.rep.line(`       kafka:  ${describeTarget(this.kafkaTarget)}`);
    if (this.qdrantTarget) this.rep.line(`       qdrant: ${this.qdrantTarget.url} (${this.qdrantTarget.source}${this.qdrantTarget.apiKey ? `, API key from ${this.qdrantTarget.apiKeySource}` : ''})`);
  }

  // ------------------------------------------------------------------ Kafka

  private async kafkaPhase(): Promise<void> {
    const checks: [Group, string, string][] = [
      ['kafka', 'kafka.metadata', 'cluster metadata (like kcat -L)'],
      ['kafka', 'kafka.roundtrip', this.o.topic ? `produce and consume on ${this.o.topic}` : 'produce and consume on a temporary topic'],
      ['durability', 'kafka.durability', `durability: ${this.o.durabilityMessages} messages with acks=all`],
    ];
    const problem = this.targetProblems.get('kafka');
    if (problem || !this.kafkaTarget) {
      // The first selected check carries the failure, the others are skipped with the same reason.
      let failed = false;
      for (const [g, id, title] of checks) {
        if (this.sel(g) === 'off') continue;
        if (!failed && (this.sel(g) === 'required' || !problem?.startsWith('no tunnel'))) {
          failed = true;
          await this.rep.run(id, title, this.timeoutMs, async () => fail(`no Kafka target: ${problem}`, 'resolving the Kafka bootstrap address', problem?.includes('environment') ? 'export the variable before running verify' : 'see the failed step above'));
        } else this.rep.skipped(id, title, `no Kafka target: ${problem}`);
      }
      return;
    }
    const env: KafkaEnv = { target: this.kafkaTarget, runId: this.runId, timeoutMs: this.timeoutMs, cleanup: this.cleanup };
    let session: KafkaSession | undefined;
    let blocked: string | undefined;
    const withSession = async (c: any): Promise<KafkaSession> => {
      if (!session) session = await openSession(env, c);
      return session;
    };
    for (const [g, id, title] of checks) {
      if (this.sel(g) === 'off') continue;
      if (blocked) {
        this.rep.skipped(id, title, blocked);
        continue;
      }
      const budget = id === 'kafka.durability' ? this.timeoutMs * 6 + this.o.durabilityMessages * 10 : this.timeoutMs * 5;
      const r = await this.rep.run(id, title, budget, async (c) => {
        const s = await withSession(c);
        if (id === 'kafka.metadata') return metadataCheck(env, s, c);
        if (!s.brokerCount) s.brokerCount = (await s.admin.describeCluster()).brokers.length;
        if (id === 'kafka.roundtrip') return roundTripCheck(env, s, c, { topic: this.o.topic, message: this.o.message });
        return durabilityCheck(env, s, c, this.o.durabilityMessages, this.o.durabilityPartitions);
      });
      // Without a working connection the later Kafka checks can only repeat the same failure. Unhealthy
      // partitions (leaderless, under-replicated) do not block: the round trip still tells something.
      if (r.status === 'failed' && (!session || (id === 'kafka.metadata' && !/under-replicated|without a leader/.test(r.summary)))) {
        blocked = `${id} failed`;
      }
    }
  }

  // ------------------------------------------------------------------ Qdrant

  private async qdrantPhase(): Promise<void> {
    const checks: [string, string, (e: QdrantEnv, c: any) => Promise<any>][] = [
      ['qdrant.health', 'Qdrant health (/healthz, /readyz)', healthCheck],
      ['qdrant.collections', 'list collections (GET /collections)', collectionsCheck],
      ['qdrant.vectors', `own collection: HNSW config, upsert, nearest neighbours${this.o.ollamaUrl ? ' (Ollama embeddings)' : ''}`, vectorsCheck],
    ];
    const problem = this.targetProblems.get('qdrant');
    if (problem || !this.qdrantTarget) {
      let failed = false;
      for (const [id, title] of checks) {
        if (!failed && (this.sel('qdrant') === 'required' || !problem?.startsWith('no tunnel'))) {
          failed = true;
          await this.rep.run(id, title, this.timeoutMs, async () => fail(`no Qdrant target: ${problem}`, 'resolving the Qdrant URL and API key', problem?.includes('environment') ? 'export the variable before running verify' : 'see the failed step above'));
        } else this.rep.skipped(id, title, `no Qdrant target: ${problem}`);
      }
      return;
    }
    const env: QdrantEnv = {
      target: this.qdrantTarget,
      runId: this.runId,
      timeoutMs: this.timeoutMs,
      cleanup: this.cleanup,
      ollama: this.o.ollamaUrl ? { url: this.o.ollamaUrl, model: this.o.ollamaModel } : undefined,
    };
    let blocked: string | undefined;
    for (const [id, title, fn] of checks) {
      if (blocked) {
        this.rep.skipped(id, title, blocked);
        continue;
      }
      const r = await this.rep.run(id, title, this.timeoutMs * (id === 'qdrant.vectors' ? (env.ollama ? 12 : 6) : 3), (c) => fn(env, c));
      if (r.status === 'failed' && id !== 'qdrant.vectors' && /connection refused|cannot resolve|cannot reach|no answer|refused the request|404/.test(r.summary)) blocked = `${id} failed`;
    }
  }
}
