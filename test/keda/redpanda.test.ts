/**
 * KafkaLagScaler and KafkaConsumerSample with the real Redpanda construct as the source: plain, SASL/SCRAM, TLS,
 * and SASL over TLS.
 */
import { secretData } from '../util/synth';
import { Chart } from 'cdk8s';
import { KafkaConsumerSample, KafkaLagScaler, kedaOperatorPeer } from '../../lib/keda';
import { Redpanda, RedpandaProps, ScramMechanism } from '../../lib/redpanda';
import { labChart, only, synth } from '../util/synth';
import { allCrdPaths, schemaErrors } from './helpers';

process.env.DATASTREAM_QUIET_WARNINGS = '1';

let crds: string[];
beforeAll(async () => {
  crds = await allCrdPaths();
});

interface Lab {
  chart: Chart;
  redpanda: Redpanda;
  objs: any[];
}

/** The lab wiring: Redpanda rp, topic dojo-test (3 partitions), the sample consumer and its scaler. */
function lab(props: Partial<RedpandaProps>, user?: string): Lab {
  const chart = labChart();
  const redpanda = new Redpanda(chart, 'rp', { name: 'rp', ...props });
  const dojoTest = redpanda.addTopic('dojo-test', { partitions: 3 });
  const credentials = user ? redpanda.userCredentials(user) : undefined;
  const consumer = new KafkaConsumerSample(chart, 'consumer', { name: 'dojo-consumer', cluster: redpanda, topic: dojoTest, consumerGroup: 'dojo-consumer', credentials });
  new KafkaLagScaler(chart, 'scaler', {
    cluster: redpanda,
    topic: dojoTest,
    consumerGroup: consumer.consumerGroup,
    target: consumer,
    credentials,
    offsetResetPolicy: consumer.offsetResetPolicy,
  });
  return { chart, redpanda, objs: synth(chart) };
}

const kedaObjects = (objs: any[]) =>
  objs.filter((o) => ['ScaledObject', 'TriggerAuthentication'].includes(o.kind) || o.metadata?.name === 'dojo-consumer-kafka-auth-params' || o.metadata?.name === 'dojo-consumer');

const rpkEnv = (objs: any[]) => Object.fromEntries(only(objs, 'Deployment', 'dojo-consumer').spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('plain', () => {
  let l: Lab;
  beforeAll(() => {
    l = lab({});
  });
  test('snapshot of the KEDA objects and the consumer', () => expect(kedaObjects(l.objs)).toMatchSnapshot());
  test('every object validates (Kubernetes schema, KEDA CRDs)', () => expect(schemaErrors(l.objs, crds)).toEqual([]));
  test('bootstrap servers are the Redpanda internal listener (FQDN, 9093); no auth objects', () => {
    const t = only(l.objs, 'ScaledObject').spec.triggers[0];
    expect(t.metadata.bootstrapServers).toBe(l.redpanda.connection().bootstrapServers);
    expect(t.metadata.bootstrapServers).toMatch(/\.lab\.svc\.cluster\.local:9093/);
    expect(t.authenticationRef).toBeUndefined();
    expect(l.objs.some((o) => o.kind === 'TriggerAuthentication')).toBe(false);
    expect(rpkEnv(l.objs).RPK_BROKERS).toBe(t.metadata.bootstrapServers);
  });
  test('max replicas = 3 partitions of dojo-test, earliest like rpk --offset start', () => {
    const spec = only(l.objs, 'ScaledObject').spec;
    expect(spec.maxReplicaCount).toBe(3);
    expect(spec.triggers[0].metadata).toMatchObject({ topic: 'dojo-test', consumerGroup: 'dojo-consumer', offsetResetPolicy: 'earliest', scaleToZeroOnInvalidOffset: 'false' });
  });
});

describe('SASL/SCRAM', () => {
  let l: Lab;
  beforeAll(() => {
    l = lab({ sasl: { usersSecretName: 'rp-users', superusers: ['admin'], users: ['consumer'], mechanism: ScramMechanism.SCRAM_SHA_256 } }, 'consumer');
  });
  test('snapshot', () => expect(kedaObjects(l.objs)).toMatchSnapshot());
  test('every object validates', () => expect(schemaErrors(l.objs, crds)).toEqual([]));
  test('TriggerAuthentication: sasl scram_sha256, username from the parameter Secret, password from rp-users/<user>', () => {
    expect(only(l.objs, 'TriggerAuthentication').spec.secretTargetRef).toEqual([
      { parameter: 'sasl', name: 'dojo-consumer-kafka-auth-params', key: 'sasl' },
      { parameter: 'username', name: 'dojo-consumer-kafka-auth-params', key: 'username' },
      { parameter: 'password', name: 'rp-users', key: 'consumer' },
    ]);
    expect(secretData(only(l.objs, 'Secret', 'dojo-consumer-kafka-auth-params'))).toEqual({ sasl: 'scram_sha256', username: 'consumer' });
  });
  test('rpk authenticates with the same user', () => {
    expect(rpkEnv(l.objs)).toMatchObject({ RPK_SASL_MECHANISM: 'SCRAM-SHA-256', RPK_USER: 'consumer', RPK_PASS: { secretKeyRef: { name: 'rp-users', key: 'consumer' } } });
  });
});

describe('TLS (cert-manager)', () => {
  let l: Lab;
  beforeAll(() => {
    l = lab({ tls: { certManager: true } });
  });
  test('snapshot', () => expect(kedaObjects(l.objs)).toMatchSnapshot());
  test('every object validates (Kubernetes schema; KEDA and cert-manager CRDs)', () => expect(schemaErrors(l.objs, crds)).toEqual([]));
  test("TriggerAuthentication: tls enable and ca from the broker certificate Secret's ca.crt", () => {
    const ca = l.redpanda.connection().tlsCaSecret!;
    expect(only(l.objs, 'TriggerAuthentication').spec.secretTargetRef).toEqual([
      { parameter: 'tls', name: 'dojo-consumer-kafka-auth-params', key: 'tls' },
      { parameter: 'ca', name: ca.secretName, key: 'ca.crt' },
    ]);
    expect(rpkEnv(l.objs)).toMatchObject({ RPK_TLS_ENABLED: 'true', RPK_TLS_CA: '/etc/kafka/ca/ca.crt' });
  });
});

describe('SASL over TLS', () => {
  test('sasl, username, password, tls and ca', () => {
    const l = lab({ sasl: { usersSecretName: 'rp-users', superusers: ['admin'] }, tls: { certManager: true } }, 'admin');
    expect(schemaErrors(l.objs, crds)).toEqual([]);
    expect(only(l.objs, 'TriggerAuthentication').spec.secretTargetRef.map((r: any) => r.parameter)).toEqual(['sasl', 'username', 'password', 'tls', 'ca']);
    expect(secretData(only(l.objs, 'Secret', 'dojo-consumer-kafka-auth-params'))).toEqual({ sasl: 'scram_sha512', username: 'admin', tls: 'enable' });
  });
});

describe('NetworkPolicy on the brokers', () => {
  test('admitting KEDA (its own namespace) and the consumer pods', () => {
    const chart = labChart();
    const redpanda = new Redpanda(chart, 'rp', { name: 'rp' });
    const topic = redpanda.addTopic('dojo-test', { partitions: 3 });
    const consumer = new KafkaConsumerSample(chart, 'consumer', { name: 'dojo-consumer', cluster: redpanda, topic, consumerGroup: 'dojo-consumer' });
    new KafkaLagScaler(chart, 'scaler', { cluster: redpanda, topic, consumerGroup: 'dojo-consumer', target: consumer });
    redpanda.allowFrom(kedaOperatorPeer(), { podLabels: consumer.podSelector });
    const objs = synth(chart);
    expect(schemaErrors(objs, crds)).toEqual([]);
    const np = only(objs, 'NetworkPolicy');
    const rule = np.spec.ingress.find((r: any) => r.from.some((p: any) => p.namespaceSelector));
    expect(rule.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } }, podSelector: {} },
      { podSelector: { matchLabels: consumer.podSelector } },
    ]);
    expect(rule.ports).toContainEqual({ protocol: 'TCP', port: 9093 });
    expect(only(objs, 'Deployment', 'dojo-consumer').spec.template.metadata.labels).toMatchObject(consumer.podSelector);
  });
});
