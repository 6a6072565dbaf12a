/**
 * KafkaLagScaler and KafkaConsumerSample with the Strimzi construct as the source: plain, TLS (cluster CA),
 * SCRAM-SHA-512 over TLS (the KafkaUser Secret has no username key) and mutual TLS.
 */
import { secretData } from '../util/synth';
import { Chart } from 'cdk8s';
import { KafkaConsumerSample, KafkaLagScaler } from '../../lib/keda';
import {
  StrimziKafka,
  StrimziKafkaProps,
  StrimziKafkaUser,
  StrimziListenerAuthentication,
  StrimziListenerType,
  StrimziProfile,
  StrimziUserAuthentication,
} from '../../lib/strimzi';
import { labChart, only, synth } from '../util/synth';
import { allCrdPaths, schemaErrors } from './helpers';

process.env.DATASTREAM_QUIET_WARNINGS = '1';

let crds: string[];
beforeAll(async () => {
  crds = await allCrdPaths();
});

interface Lab {
  chart: Chart;
  strimzi: StrimziKafka;
  user?: StrimziKafkaUser;
  objs: any[];
}

/** The lab wiring on Strimzi: topic dojo-test (3 partitions), optionally a KafkaUser, the sample consumer and its scaler. */
function lab(props: StrimziKafkaProps, opts: { listenerName?: string; user?: StrimziUserAuthentication } = {}): Lab {
  const chart = labChart();
  const strimzi = new StrimziKafka(chart, 'strimzi', { name: 'strimzi', ...props });
  const topic = strimzi.addTopic('dojo-test', { topicName: 'dojo-test', partitions: 3 });
  let user: StrimziKafkaUser | undefined;
  if (opts.user) {
    user = strimzi.addUser('dojo-consumer', { userName: 'dojo-consumer', authentication: opts.user });
    user.grantConsume(topic, 'dojo-consumer');
  }
  const wiring = { cluster: strimzi, topic, user, listenerName: opts.listenerName };
  const consumer = new KafkaConsumerSample(chart, 'consumer', { ...wiring, name: 'dojo-consumer', consumerGroup: 'dojo-consumer' });
  new KafkaLagScaler(chart, 'scaler', { ...wiring, consumerGroup: consumer.consumerGroup, target: consumer, offsetResetPolicy: consumer.offsetResetPolicy });
  return { chart, strimzi, user, objs: synth(chart) };
}

const kedaObjects = (objs: any[]) => objs.filter((o) => ['ScaledObject', 'TriggerAuthentication', 'Secret'].includes(o.kind) || o.metadata?.name === 'dojo-consumer');
const rpkEnv = (objs: any[]) => Object.fromEntries(only(objs, 'Deployment', 'dojo-consumer').spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('plain (lab profile, default listener)', () => {
  let l: Lab;
  beforeAll(() => {
    l = lab({ profile: StrimziProfile.LAB });
  });
  test('snapshot', () => expect(kedaObjects(l.objs)).toMatchSnapshot());
  test('every object validates (Kubernetes schema; KEDA and Strimzi CRDs)', () => expect(schemaErrors(l.objs, crds)).toEqual([]));
  test('bootstrap is the Strimzi bootstrap Service FQDN on 9092; no auth objects', () => {
    const t = only(l.objs, 'ScaledObject').spec.triggers[0];
    expect(t.metadata.bootstrapServers).toBe('strimzi-kafka-bootstrap.lab.svc.cluster.local:9092');
    expect(t.authenticationRef).toBeUndefined();
    expect(l.objs.some((o) => o.kind === 'TriggerAuthentication')).toBe(false);
    expect(rpkEnv(l.objs).RPK_BROKERS).toBe(t.metadata.bootstrapServers);
  });
});

describe('TLS listener (lab profile, listener tls)', () => {
  let l: Lab;
  beforeAll(() => {
    l = lab({ profile: StrimziProfile.LAB }, { listenerName: 'tls' });
  });
  test('snapshot', () => expect(kedaObjects(l.objs)).toMatchSnapshot());
  test('every object validates', () => expect(schemaErrors(l.objs, crds)).toEqual([]));
  test('ca is the cluster CA strimzi-cluster-ca-cert/ca.crt', () => {
    expect(only(l.objs, 'TriggerAuthentication').spec.secretTargetRef).toEqual([
      { parameter: 'tls', name: 'dojo-consumer-kafka-auth-params', key: 'tls' },
      { parameter: 'ca', name: 'strimzi-cluster-ca-cert', key: 'ca.crt' },
    ]);
    expect(only(l.objs, 'ScaledObject').spec.triggers[0].metadata.bootstrapServers).toBe('strimzi-kafka-bootstrap.lab.svc.cluster.local:9093');
    expect(rpkEnv(l.objs)).toMatchObject({ RPK_TLS_ENABLED: 'true', RPK_TLS_CA: '/etc/kafka/ca/ca.crt' });
    const ca = only(l.objs, 'Deployment').spec.template.spec.volumes.find((v: any) => v.name === 'kafka-ca');
    expect(ca.secret).toMatchObject({ secretName: 'strimzi-cluster-ca-cert', items: [{ key: 'ca.crt', path: 'ca.crt' }] });
  });
});

describe('SCRAM-SHA-512 over TLS (production profile, KafkaUser)', () => {
  let l: Lab;
  beforeAll(() => {
    l = lab({ profile: StrimziProfile.PRODUCTION }, { user: StrimziUserAuthentication.SCRAM_SHA_512 });
  });
  test('snapshot', () => expect(kedaObjects(l.objs)).toMatchSnapshot());
  test('every object validates', () => expect(schemaErrors(l.objs, crds)).toEqual([]));
  test('TriggerAuthentication: username from the emitted Secret (Strimzi has none), password from the user Secret, cluster CA', () => {
    expect(only(l.objs, 'TriggerAuthentication').spec.secretTargetRef).toEqual([
      { parameter: 'sasl', name: 'dojo-consumer-kafka-auth-params', key: 'sasl' },
      { parameter: 'username', name: 'dojo-consumer-kafka-auth-params', key: 'username' },
      { parameter: 'password', name: l.user!.secretName, key: 'password' },
      { parameter: 'tls', name: 'dojo-consumer-kafka-auth-params', key: 'tls' },
      { parameter: 'ca', name: 'strimzi-cluster-ca-cert', key: 'ca.crt' },
    ]);
    expect(secretData(only(l.objs, 'Secret', 'dojo-consumer-kafka-auth-params'))).toEqual({ sasl: 'scram_sha512', username: 'dojo-consumer', tls: 'enable' });
  });
  test('rpk: SCRAM-SHA-512 with the KafkaUser password, TLS with the cluster CA', () => {
    expect(rpkEnv(l.objs)).toMatchObject({
      RPK_SASL_MECHANISM: 'SCRAM-SHA-512',
      RPK_USER: 'dojo-consumer',
      RPK_PASS: { secretKeyRef: { name: l.user!.secretName, key: 'password' } },
      RPK_TLS_ENABLED: 'true',
      RPK_TLS_CA: '/etc/kafka/ca/ca.crt',
    });
  });
});

describe('mutual TLS', () => {
  test('cert/key from the KafkaUser Secret (user.crt/user.key), ca from the cluster CA, never the user Secret ca.crt', () => {
    const l = lab(
      {
        profile: StrimziProfile.LAB,
        listeners: [{ name: 'mtls', port: 9093, type: StrimziListenerType.INTERNAL, tls: true, authentication: StrimziListenerAuthentication.TLS }],
      },
      { user: StrimziUserAuthentication.TLS },
    );
    expect(schemaErrors(l.objs, crds)).toEqual([]);
    const refs = only(l.objs, 'TriggerAuthentication').spec.secretTargetRef;
    const secret = l.user!.secretName;
    expect(refs).toEqual([
      { parameter: 'tls', name: 'dojo-consumer-kafka-auth-params', key: 'tls' },
      { parameter: 'ca', name: 'strimzi-cluster-ca-cert', key: 'ca.crt' },
      { parameter: 'cert', name: secret, key: 'user.crt' },
      { parameter: 'key', name: secret, key: 'user.key' },
    ]);
    expect(refs).not.toContainEqual(expect.objectContaining({ name: secret, key: 'ca.crt' }));
    expect(rpkEnv(l.objs)).toMatchObject({ RPK_TLS_CERT: '/etc/kafka/client/tls.crt', RPK_TLS_KEY: '/etc/kafka/client/tls.key' });
  });
});
