/** The lab app's Strimzi variants (main.ts regions <variants:strimzi> and <lab:strimzi>). */
import { Testing } from 'cdk8s';
import { buildLab, resolveVariants, VARIANTS } from '../../main';
import { all, only } from '../util/synth';
import { schemaErrors, strimziCrdPaths } from './helpers';

process.env.DATASTREAM_QUIET_WARNINGS = '1';

const STRIMZI_KINDS = ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser'];

function lab(variants: string): { charts: string[]; objs: any[]; strimzi: any[] } {
  const app = Testing.app();
  buildLab(app, resolveVariants(variants));
  const objs = app.charts.flatMap((c) => Testing.synth(c));
  const strimziChart = app.charts.find((c) => c.node.id === 'strimzi');
  return { charts: app.charts.map((c) => c.node.id), objs, strimzi: strimziChart ? Testing.synth(strimziChart) : [] };
}

let crds: string[];
beforeAll(async () => {
  crds = await strimziCrdPaths();
});

test('the variants exist, say they need the operator, and select the profiles', () => {
  expect(VARIANTS.strimzi.description).toMatch(/needs the Strimzi operator/);
  expect(VARIANTS['strimzi-production'].description).toMatch(/needs the Strimzi operator/);
  expect(resolveVariants('strimzi').strimzi).toBe('lab');
  expect(resolveVariants('strimzi-production').strimzi).toBe('production');
});

test('the default output has no Strimzi resources (it applies on a bare cluster)', () => {
  const { charts, objs } = lab('default');
  expect(charts).not.toContain('strimzi');
  expect(objs.filter((o) => STRIMZI_KINDS.includes(o.kind))).toEqual([]);
});

test('strimzi: cluster strimzi (dual-role node) and topic dojo-test in chart strimzi after the namespace', () => {
  const { charts, strimzi } = lab('strimzi');
  expect(charts.indexOf('strimzi')).toBeGreaterThan(charts.indexOf('lab-namespace'));
  expect(strimzi.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Kafka/strimzi', 'KafkaNodePool/dual-role', 'KafkaTopic/dojo-test']);
  expect(only(strimzi, 'KafkaTopic').spec).toEqual({ partitions: 3, replicas: 1 });
  expect(schemaErrors(strimzi, crds)).toEqual([]);
});

test('strimzi-production: the production preset shrunk for kind, plus user dojo-consumer', () => {
  const { strimzi } = lab('strimzi-production');
  const pools = all(strimzi, 'KafkaNodePool');
  expect(pools.map((p) => [p.metadata.name, p.spec.replicas, p.spec.roles])).toEqual([
    ['broker', 3, ['broker']],
    ['controller', 3, ['controller']],
  ]);
  for (const p of pools) {
    // Soft: all six nodes schedule on a one-node kind cluster.
    expect(p.spec.template.pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  }
  expect(pools[0].spec.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } });
  expect(pools[1].spec.storage.volumes[0].size).toBe('2Gi');
  const kafka = only(strimzi, 'Kafka').spec.kafka;
  expect(kafka.listeners.map((l: any) => [l.name, l.type, l.tls, l.authentication?.type])).toEqual([
    ['tls', 'internal', true, 'scram-sha-512'],
    ['external', 'nodeport', true, 'scram-sha-512'],
  ]);
  expect(kafka.authorization).toEqual({ type: 'simple' });
  const user = only(strimzi, 'KafkaUser', 'dojo-consumer');
  expect(user.spec.authorization.acls).toEqual([
    { resource: { type: 'topic', name: 'dojo-test' }, operations: ['Describe', 'Read'] },
    { resource: { type: 'group', name: 'dojo-consumer' }, operations: ['Read'] },
    { resource: { type: 'topic', name: 'dojo-test' }, operations: ['Describe', 'Write'] },
  ]);
  expect(schemaErrors(strimzi, crds)).toEqual([]);
});

test('strimzi-production: the external node ports do not collide with any NodePort Service of the lab', () => {
  const { objs } = lab('strimzi-production');
  const used = all(objs, 'Service').flatMap((s) => (s.spec.ports ?? []).map((p: any) => p.nodePort).filter(Boolean));
  expect(used.filter((p: number) => p >= 32100 && p <= 32103)).toEqual([]);
});
