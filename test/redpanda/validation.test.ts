import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { DatastreamValidationError } from '../../lib/common/validation';
import { Redpanda, REDPANDA_RULES, RedpandaProps, resolveRedpanda } from '../../lib/redpanda';
import { errorOf } from '../util/synth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { atomicSynth } = require('../../scripts/atomic-synth');

process.env.DATASTREAM_QUIET_WARNINGS = '1';

/** Synthesizes one Redpanda into `outdir` the way `npm run synth` does (all-or-nothing). */
function synthInto(outdir: string, props: RedpandaProps, topic?: { name: string; partitions?: number; replicationFactor?: number }) {
  atomicSynth(outdir, (tmp: string) => {
    const app = new App({ outdir: tmp });
    const chart = new Chart(app, 'redpanda', { namespace: 'lab' });
    const rp = new Redpanda(chart, 'rp', props);
    if (topic) rp.addTopic(topic.name, topic);
    app.synth();
  });
}

let dist: string;
beforeEach(() => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-'));
  fs.writeFileSync(path.join(dist, 'previous.k8s.yaml'), 'kind: Previous\n');
});
afterEach(() => fs.rmSync(dist, { recursive: true, force: true }));

function expectRejected(props: RedpandaProps, prop: string, value: string, allowed: RegExp, topic?: any) {
  const err = errorOf(() => synthInto(dist, props, topic));
  expect(err.message).toContain(`[redpanda/rp`);
  expect(err.message).toContain(`prop '${prop}': ${value} is invalid; allowed:`);
  expect(err.message).toMatch(allowed);
  // dist/ is left exactly as it was.
  expect(fs.readdirSync(dist)).toEqual(['previous.k8s.yaml']);
  expect(fs.readFileSync(path.join(dist, 'previous.k8s.yaml'), 'utf8')).toBe('kind: Previous\n');
  expect(fs.readdirSync(path.dirname(dist)).filter((f) => f.startsWith(`.${path.basename(dist)}-`))).toEqual([]);
  return err;
}

// One case per rule of the table (the count is checked below, so a new rule needs a new case here).
const CASES: Array<[string, RedpandaProps, string, string, RegExp]> = [
  ['name', { name: 'My_Cluster' }, 'name', "'My_Cluster'", /DNS label of at most 40/],
  ['name (leading digit)', { name: '1rp' }, 'name', "'1rp'", /starts with a letter/],
  ['namespace', { namespace: 'Lab!' }, 'namespace', "'Lab!'", /a DNS label/],
  ['profile', { profile: 'huge' as any }, 'profile', "'huge'", /lab, production/],
  ['replicas', { replicas: 0 }, 'replicas', '0', /1 to 99/],
  ['image', { image: 'redpanda' }, 'image', "'redpanda'", /with a tag or digest/],
  ['resources.cpu', { resources: { cpu: 'two' } }, 'resources.cpu', "'two'", /CPU quantity of at least 100m/],
  ['resources.memory (quantity)', { resources: { memory: 'lots' } }, 'resources.memory', "'lots'", /memory quantity/],
  ['resources.memory (fits)', { resources: { memory: '300Mi' } }, 'resources.memory', "'300Mi'", /--memory \(80 % = 240M\) to be at least 256M.*: at least 1006Mi$/],
  ['resources.memory (per core)', { resources: { cpu: '2', memory: '2Gi' }, developerMode: false }, 'resources.memory', "'2Gi'", /at least 1 GiB of --memory per core: --smp=2 gives 819MiB per core.*unless developerMode is true/],
  ['storage.size', { storage: { size: '10Mi' } }, 'storage.size', "'10Mi'", /at least 64Mi/],
  ['storage.storageClassName', { storage: { storageClassName: 'Fast SSD' } }, 'storage.storageClassName', "'Fast SSD'", /StorageClass name/],
  ['antiAffinity', { antiAffinity: 'always' as any }, 'antiAffinity', "'always'", /soft, hard, none/],
  ['logLevel', { logLevel: 'loud' as any }, 'logLevel', "'loud'", /error, warn, info, debug, trace/],
  ['portForward.basePort', { replicas: 3, portForward: { basePort: 65535 } }, 'portForward.basePort', '65535', /1024 to 65533/],
  ['external.addresses', { replicas: 3, external: { addresses: ['a', 'b'] } }, 'external.addresses', '["a","b"]', /one per broker \(3\)/],
  ['external.nodePortBase', { replicas: 3, external: { addresses: ['127.0.0.1'], nodePortBase: 32766 } }, 'external.nodePortBase', '32766', /30000 to 32765/],
  ['sasl.usersSecretName', { sasl: { usersSecretName: 'Users', superusers: ['admin'] } }, 'sasl.usersSecretName', "'Users'", /existing Secret/],
  ['sasl.superusers', { sasl: { usersSecretName: 'u', superusers: [] } }, 'sasl.superusers', '[]', /at least one user name/],
  ['sasl.users', { sasl: { usersSecretName: 'u', superusers: ['admin'], users: ['bad:name'] } }, 'sasl.users', '["admin","bad:name"]', /1-128 characters/],
  ['sasl.mechanism', { sasl: { usersSecretName: 'u', superusers: ['a'], mechanism: 'PLAIN' as any } }, 'sasl.mechanism', "'PLAIN'", /SCRAM-SHA-256, SCRAM-SHA-512/],
  ['tls', { tls: {} }, 'tls', '{"certManager":false}', /exactly one of certManager: true or secretName/],
  ['tls.secretName', { tls: { secretName: 'My Secret' } }, 'tls.secretName', "'My Secret'", /Secret name/],
  ['tls.issuerName', { tls: { secretName: 'x', issuerName: 'ca' } }, 'tls.issuerName', "'ca'", /only together with certManager: true/],
  ['clusterConfig (keys)', { clusterConfig: { 'Log.Retention': '1' } }, 'clusterConfig', '{"Log.Retention":"1"}', /snake_case/],
  ['clusterConfig (reserved)', { clusterConfig: { superusers: 'x' } }, 'clusterConfig', '["superusers"]', /derives from replicas, storage.size and sasl/],
];

describe('every rule rejects bad input with the prop, the value and what is allowed; dist/ untouched', () => {
  test('the table covers every rule, and each case breaks exactly one rule', () => {
    const failing = (props: RedpandaProps) => {
      const s = resolveRedpanda('rp', props.namespace ?? 'lab', props);
      return REDPANDA_RULES.map((r, i) => {
        if (r.when && !r.when(s)) return -1;
        try {
          return r.check(r.value(s), s) ? -1 : i;
        } catch {
          return i;
        }
      }).filter((i) => i >= 0);
    };
    const hit = new Set<number>();
    for (const [name, props] of CASES) {
      const f = failing(props);
      expect(`${name}: ${f.length}`).toBe(`${name}: 1`);
      f.forEach((i) => hit.add(i));
    }
    expect(REDPANDA_RULES.map((r, i) => (hit.has(i) ? '' : r.prop)).filter(Boolean)).toEqual([]);
  });
  test.each(CASES)('%s', (_n, props, prop, value, allowed) => {
    expectRejected(props, prop, value, allowed);
  });
});

describe('topic rules', () => {
  test('replication factor above the broker count', () => {
    expectRejected({}, 'replicationFactor', '3', /1 to the broker count \(1\)/, { name: 'dojo-test', replicationFactor: 3 });
  });
  test('partitions not positive', () => {
    expectRejected({}, 'partitions', '0', /whole number >= 1/, { name: 'dojo-test', partitions: 0 });
  });
  test('even replication factor (Redpanda rejects it)', () => {
    expectRejected({ replicas: 3 }, 'replicationFactor', '2', /an odd number up to the broker count \(3\): Redpanda replicates with Raft/, { name: 'dojo-test', replicationFactor: 2 });
  });
  test('topic configs must be string values under Kafka keys', () => {
    expectRejected({}, 'config', '{"Retention MS":"1"}', /Kafka topic config keys/, { name: 'dojo-test', config: { 'Retention MS': '1' } });
  });
  test('topic name', () => {
    expectRejected({}, 'topicName', "'bad topic'", /\[a-zA-Z0-9._-\]/, { name: 'bad topic' });
  });
});

describe('reporting', () => {
  test('all failures are reported together', () => {
    const err = errorOf(() => synthInto(dist, { replicas: 0, logLevel: 'x' as any, storage: { size: '1' } })) as DatastreamValidationError;
    expect(err).toBeInstanceOf(DatastreamValidationError);
    expect(err.failures.map((f) => f.prop)).toEqual(['replicas', 'storage.size', 'logLevel']);
    expect(err.message).toMatch(/^3 invalid props:/);
  });

  test('a namespace is required to compute addresses', () => {
    const app = new App({ outdir: dist });
    const err = errorOf(() => new Redpanda(new Chart(app, 'c'), 'rp'));
    expect(err.message).toMatch(/\[c\/rp\] Redpanda prop 'namespace': undefined is invalid; allowed: a namespace name/);
  });

  test('developer mode lifts the memory-per-core floor', () => {
    synthInto(dist, { resources: { cpu: '2', memory: '2Gi' }, developerMode: true });
    expect(fs.readdirSync(dist)).toEqual(['redpanda.k8s.yaml']);
  });
});
