/**
 * Live tier, Kafka: `npm run verify` (scripts/verify.js) against a real Apache Kafka 4.x broker in KRaft mode,
 * started on 127.0.0.1 by test/live/global-setup.js from jars resolved from Maven Central (scripts/live/kafka.js).
 * Every run goes through the real CLI in a child process and is judged by its --json report, its exit code and
 * by what an independent kafkajs client sees on the broker afterwards.
 */
import * as http from 'http';
import * as net from 'net';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerState, broker, check, closedPort, expectStatuses, leftovers, verify } from './helpers';

let b: BrokerState;
const NO_QDRANT = ['--no-kube', '--skip', 'qdrant'];

function admin(bootstrap = b.bootstrap) {
  return new Kafka({ brokers: [bootstrap], clientId: 'live-test', logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
}

beforeAll(() => {
  b = broker();
});

afterEach(async () => {
  // Nothing verify creates may survive a run, whatever the outcome.
  expect(await leftovers(b.bootstrap)).toEqual({ topics: [], groups: [] });
});

describe('against the PLAINTEXT listener', () => {
  test('metadata, produce/consume and the durability check pass, and only what verify created is removed', async () => {
    const a = admin();
    await a.connect();
    await a.createTopics({ topics: [{ topic: 'keep-me', numPartitions: 2 }], waitForLeaders: true });
    const cluster = await a.describeCluster();

    const r = await verify([...NO_QDRANT, '--kafka-bootstrap', b.bootstrap, '--durability-messages', '2000', '--json']);
    expectStatuses(r, { 'kube': 'skipped', 'kafka.metadata': 'passed', 'kafka.roundtrip': 'passed', 'kafka.durability': 'passed', 'cleanup': 'passed' });
    expect(r.code).toBe(0);
    expect(r.json.ok).toBe(true);

    // kcat -L equivalent: the same cluster as an independent client sees it.
    const md = check(r, 'kafka.metadata').data;
    expect(md.clusterId).toBe(cluster.clusterId);
    expect(md.controller).toBe(cluster.controller);
    expect(md.brokers).toEqual([{ id: 1, host: '127.0.0.1', port: Number(b.bootstrap.split(':')[1]), reachable: true }]);
    const keep = md.topics.find((t: any) => t.name === 'keep-me');
    expect(keep.partitions).toHaveLength(2);
    for (const p of keep.partitions) expect(p).toMatchObject({ leader: 1, replicas: [1], isr: [1] });

    const rt = check(r, 'kafka.roundtrip').data;
    expect(rt.ownTopic).toBe(true);
    expect(rt.topic).toBe(r.json.runId);
    expect(rt.message).toBe(`hello from the dojo (${r.json.runId})`);

    const d = check(r, 'kafka.durability').data;
    expect(d).toMatchObject({ produced: 2000, acknowledged: 2000, read: 2000, lost: 0, duplicated: 0, outOfOrder: 0, offsetMismatches: 0, acks: 'all', idempotent: true, partitions: 3, replicationFactor: 1 });
    expect(Object.values(d.highWatermarks).map(Number).reduce((x: number, y: number) => x + y, 0)).toBe(2000);

    expect(r.json.cleanup.removed.sort()).toEqual(
      [`topic ${r.json.runId}`, `topic ${r.json.runId}-durability`, `consumer group ${r.json.runId}-roundtrip`, `consumer group ${r.json.runId}-durability`].sort(),
    );
    expect(r.json.cleanup.leftBehind).toEqual([]);
    // The pre-existing topic is untouched.
    expect(await a.listTopics()).toContain('keep-me');
    await a.deleteTopics({ topics: ['keep-me'] });
    await a.disconnect();

    // The human-readable output has the step list, the tables and the summary.
    const human = await verify([...NO_QDRANT, '--kafka-bootstrap', b.bootstrap, '--skip', 'durability']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/\[ ok \] kafka\.metadata/);
    expect(human.stdout).toMatch(/BROKER\s+ADVERTISED\s+ROLE\s+REACHABLE/);
    expect(human.stdout).toMatch(/Summary\n\s+CHECK\s+RESULT\s+TIME\s+DETAIL/);
    expect(human.stdout).toMatch(/3 passed, 0 failed, 1 skipped .* — exit 0/);
  });

  test("--topic dojo-test sends the seed's exact message, reads the topic from the beginning and keeps the topic", async () => {
    const first = await verify([...NO_QDRANT, '--kafka-bootstrap', b.bootstrap, '--topic', 'dojo-test', '--skip', 'durability', '--json']);
    expect(first.code).toBe(0);
    const rt1 = check(first, 'kafka.roundtrip');
    expect(rt1.data).toMatchObject({ topic: 'dojo-test', ownTopic: false, message: 'hello from the dojo' });
    expect(rt1.lines.join('\n')).toContain('created topic dojo-test (kept: named by --topic)');

    const second = await verify([...NO_QDRANT, '--kafka-bootstrap', b.bootstrap, '--topic', 'dojo-test', '--skip', 'durability', '--json']);
    expect(second.code).toBe(0);
    expect(check(second, 'kafka.roundtrip').data.messagesRead).toBeGreaterThanOrEqual(2);

    // What `kcat -C -o beginning -e` would print: the seed's line, once per run.
    const kafka = new Kafka({ brokers: [b.bootstrap], clientId: 'live-test', logLevel: logLevel.NOTHING });
    const a = kafka.admin();
    await a.connect();
    expect(await a.listTopics()).toContain('dojo-test');
    const offsets = await a.fetchTopicOffsets('dojo-test');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(2);
    const values: string[] = [];
    const consumer = kafka.consumer({ groupId: `live-test-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'dojo-test', fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === 2) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(values).toEqual(['hello from the dojo', 'hello from the dojo']);
    await a.deleteTopics({ topics: ['dojo-test'] });
    await a.deleteGroups([(await a.listGroups()).groups.find((g) => g.groupId.startsWith('live-test-'))!.groupId]).catch(() => undefined);
    await a.disconnect();
  });
});

describe('SASL/SCRAM and TLS', () => {
  test.each(['scram-sha-256', 'scram-sha-512'])('%s on the SASL_PLAINTEXT listener', async (mechanism) => {
    const r = await verify(
      [...NO_QDRANT, '--kafka-bootstrap', b.saslBootstrap, '--sasl-mechanism', mechanism, '--username', b.scram.username, '--password-env', 'KAFKA_PASSWORD', '--durability-messages', '300', '--json'],
      { env: { KAFKA_PASSWORD: b.scram.password } },
    );
    expectStatuses(r, { 'kafka.metadata': 'passed', 'kafka.roundtrip': 'passed', 'kafka.durability': 'passed', 'cleanup': 'passed' }, false);
    expect(r.code).toBe(0);
    expect(r.json.targets.kafka).toMatchObject({ brokers: [b.saslBootstrap], sasl: `${mechanism}:${b.scram.username}`, tls: false });
    // The password never appears in the output.
    expect(r.stdout + r.stderr).not.toContain(b.scram.password);
  });

  test('TLS with --ca-file on the SSL listener', async () => {
    const r = await verify([...NO_QDRANT, '--kafka-bootstrap', b.sslBootstrap!, '--tls', '--ca-file', b.caFile!, '--skip', 'durability', '--json']);
    expectStatuses(r, { 'kafka.metadata': 'passed', 'kafka.roundtrip': 'passed' }, false);
    expect(r.json.targets.kafka.tls).toBe(true);
  });
});

describe('failures say what failed, what was tried and the likely fix', () => {
  test('broker down: connection refused points at the port-forward, later Kafka checks are skipped, exit 1', async () => {
    const port = await closedPort();
    const r = await verify([...NO_QDRANT, '--kafka-bootstrap', `127.0.0.1:${port}`, '--json']);
    expect(r.code).toBe(1);
    const m = check(r, 'kafka.metadata');
    expect(m.status).toBe('failed');
    expect(m.problem.what).toBe(`connection refused on 127.0.0.1:${port}`);
    expect(m.problem.tried).toContain(`kafkajs via 127.0.0.1:${port} (plaintext, no SASL; --kafka-bootstrap)`);
    expect(m.problem.fix).toMatch(/is the port-forward running\? .*kubectl -n lab port-forward svc\/rp 9092:9092.*--port-forward/);
    expect(check(r, 'kafka.roundtrip')).toMatchObject({ status: 'skipped', skipReason: 'kafka.metadata failed' });
    expect(check(r, 'kafka.durability').status).toBe('skipped');
    expect(r.json.ok).toBe(false);
    // The default target is the seed's port-forward, and its failure reads the same way.
    const d = await verify(['--no-kube', '--only', 'kafka', '--json'], {});
    if (check(d, 'kafka.metadata').status === 'failed') expect(check(d, 'kafka.metadata').problem.what).toMatch(/connection refused on (127\.0\.0\.1|localhost|::1):9092|localhost:9092/);
  });

  test('wrong port: an HTTP server, the KRaft controller port, a TLS port without --tls', async () => {
    const httpServer = http.createServer((_q, res) => res.end('{"title":"not kafka"}'));
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
    const hp = (httpServer.address() as net.AddressInfo).port;
    try {
      const r = await verify([...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', `127.0.0.1:${hp}`, '--json']);
      const m = check(r, 'kafka.metadata');
      expect(r.code).toBe(1);
      expect(m.problem.what).toBe(`the server on 127.0.0.1:${hp} closed the connection`);
      expect(m.problem.tried).toContain(`diagnosis: an HTTP server answers on 127.0.0.1:${hp}`);
      expect(m.problem.fix).toMatch(/is not a Kafka port/);
    } finally {
      httpServer.close();
    }
    const c = await verify([...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', `127.0.0.1:${b.controllerPort}`, '--json']);
    expect(check(c, 'kafka.metadata').problem.fix).toMatch(/controller or inter-broker port, not a client listener/);

    const t = await verify([...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', b.sslBootstrap!, '--json']);
    expect(check(t, 'kafka.metadata').problem.tried).toContain('it expects TLS');
    expect(check(t, 'kafka.metadata').problem.fix).toMatch(/add --tls/);
  });

  test('auth failure: wrong password, SASL listener without SASL, SASL against a plaintext listener', async () => {
    const wrong = await verify(
      [...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', b.saslBootstrap, '--sasl-mechanism', 'scram-sha-512', '--username', b.scram.username, '--password-env', 'PW', '--json'],
      { env: { PW: 'not-the-password' } },
    );
    expect(wrong.code).toBe(1);
    const w = check(wrong, 'kafka.metadata');
    expect(w.problem.what).toBe(`SASL authentication failed on ${b.saslBootstrap}`);
    expect(w.problem.fix).toMatch(/--username and the password in the variable named by --password-env/);
    expect(w.problem.cause).toMatch(/invalid credentials with SASL mechanism SCRAM-SHA-512/);

    const noSasl = await verify([...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', b.saslBootstrap, '--json']);
    expect(check(noSasl, 'kafka.metadata').problem.fix).toMatch(/probably requires SASL \(--sasl-mechanism/);

    const saslOnPlain = await verify(
      [...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', b.bootstrap, '--sasl-mechanism', 'scram-sha-256', '--username', 'x', '--password-env', 'PW', '--json'],
      { env: { PW: 'x' } },
    );
    expect(check(saslOnPlain, 'kafka.metadata').problem.what).toMatch(/this listener does not use SASL/);

    const unset = await verify([...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', b.saslBootstrap, '--sasl-mechanism', 'scram-sha-256', '--username', 'x', '--password-env', 'UNSET_PW_VAR', '--json']);
    expect(unset.code).toBe(1);
    expect(check(unset, 'kafka.metadata').problem.what).toBe('no Kafka target: environment variable UNSET_PW_VAR (--password-env) is not set');
  });

  test('TLS without the CA, and TLS against a plaintext listener', async () => {
    const noCa = await verify([...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', b.sslBootstrap!, '--tls', '--json']);
    const n = check(noCa, 'kafka.metadata');
    expect(n.problem.what).toMatch(/server certificate on .* is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(n.problem.fix).toMatch(/--ca-file/);
    const tlsOnPlain = await verify([...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', b.bootstrap, '--tls', '--json']);
    expect(check(tlsOnPlain, 'kafka.metadata').problem.fix).toMatch(/the listener is plaintext: drop --tls/);
  });

  test('brokers that advertise an address this machine cannot reach (the multi-broker port-forward mistake)', async () => {
    // The FORWARDED listener accepts on listenPort but advertises advertisedPort, where nothing listens.
    const r = await verify([...NO_QDRANT, '--kafka-bootstrap', `127.0.0.1:${b.forwarded.listenPort}`, '--json']);
    expect(r.code).toBe(1);
    const m = check(r, 'kafka.metadata');
    expect(m.problem.what).toBe(
      `bootstrap worked, but the broker address the cluster advertises is not usable from here: connection refused on 127.0.0.1:${b.forwarded.advertisedPort}`,
    );
    expect(m.problem.fix).toMatch(/open one tunnel per broker .*or use --port-forward/);
    expect(check(r, 'kafka.roundtrip').status).toBe('skipped');
  });

  test('a server that accepts connections but never answers: every step is bounded by --timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const r = await verify([...NO_QDRANT, '--only', 'kafka', '--kafka-bootstrap', `127.0.0.1:${port}`, '--timeout', '2', '--json'], { timeoutMs: 60000 });
      expect(r.code).toBe(1);
      expect(r.ms).toBeLessThan(25000);
      const m = check(r, 'kafka.metadata');
      expect(m.status).toBe('failed');
      expect(m.problem.what).toMatch(/no answer within|closed the connection|timed out|Request timed out|Connection timeout/i);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});

describe('safety and exit codes', () => {
  test('Ctrl-C during the durability check removes the topics and groups created so far, exit 130', async () => {
    let child: any;
    let sent = false;
    const run = verify([...NO_QDRANT, '--kafka-bootstrap', b.bootstrap, '--durability-messages', '400000', '--json'], {
      timeoutMs: 120000,
      onSpawn: (c) => {
        child = c;
        c.stderr!.on('data', (d: Buffer) => {
          if (!sent && /acknowledged \d+\/400000/.test(d.toString())) {
            sent = true;
            c.kill('SIGINT');
          }
        });
      },
    });
    const r = await run;
    expect(child).toBeDefined();
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.json.interrupted).toBe(true);
    expect(r.json.cleanup.leftBehind).toEqual([]);
    expect(r.json.cleanup.removed).toEqual(expect.arrayContaining([`topic ${r.json.runId}`, `topic ${r.json.runId}-durability`]));
    expect(r.stderr).toMatch(/SIGINT: stopping, removing what this run created/);
    // afterEach checks the broker: no verify-* topic or group is left.
  });

  test('usage errors exit 2; --strict turns skips into a failure; --help exits 0', async () => {
    const bad = await verify(['--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option "--no-such-flag"/);
    const half = await verify(['--sasl-mechanism', 'scram-sha-256']);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/needs --username and --password-env/);
    const help = await verify(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--port-forward/);

    const lax = await verify([...NO_QDRANT, '--kafka-bootstrap', b.bootstrap, '--skip', 'durability', '--json']);
    expect(lax.code).toBe(0);
    expect(check(lax, 'kube')).toMatchObject({ status: 'skipped', summary: 'skipped (Kubernetes not used (--no-kube))' });
    const strict = await verify([...NO_QDRANT, '--kafka-bootstrap', b.bootstrap, '--skip', 'durability', '--strict', '--json']);
    expect(strict.code).toBe(1);
    expect(strict.json.counts).toMatchObject({ failed: 0, skipped: 1 });
  });
});
