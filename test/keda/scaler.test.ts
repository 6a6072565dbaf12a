import { Duration, Testing } from 'cdk8s';
import { secretData } from '../util/synth';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { KafkaAuthentication } from '../../lib/kafka';
import { FallbackBehavior, KafkaLagScaler, OffsetResetPolicy, ScaleTarget, ScalingPolicySelect, ScalingPolicyType } from '../../lib/keda';
import { warningsOf } from '../../lib/common';
import { labChart, only, synth } from '../util/synth';
import { CLUSTER_CA, FakeCluster, mtls, scram512 } from './fakes';
import { kedaCrdPaths, l1Deployment, schemaErrors } from './helpers';

process.env.DATASTREAM_QUIET_WARNINGS = '1';

let crds: string[];
beforeAll(async () => {
  crds = await kedaCrdPaths();
});

const BOOTSTRAP = 'kafka-0.kafka-brokers.lab.svc.cluster.local:9092,kafka-1.kafka-brokers.lab.svc.cluster.local:9092,kafka-2.kafka-brokers.lab.svc.cluster.local:9092';

describe('plaintext listener, topic known', () => {
  let objs: any[];
  let scaler: KafkaLagScaler;
  beforeAll(() => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const topic = cluster.addTopic('orders', 3);
    scaler = new KafkaLagScaler(chart, 'scaler', { cluster, topic, consumerGroup: 'order-workers', target: l1Deployment(chart, 'worker') });
    objs = synth(chart);
  });

  test('snapshot', () => {
    expect(objs.filter((o) => o.kind !== 'Deployment')).toMatchSnapshot();
  });

  test('emits only a ScaledObject (no auth objects for an unauthenticated plaintext listener)', () => {
    expect(objs.map((o) => o.kind).sort()).toEqual(['Deployment', 'ScaledObject']);
    expect(scaler.triggerAuthentication).toBeUndefined();
    expect(scaler.parameterSecret).toBeUndefined();
  });

  test('validates against the Kubernetes schema and the ScaledObject CRD', () => {
    expect(schemaErrors(objs, crds)).toEqual([]);
  });

  test('trigger metadata: bootstrap FQDNs from the cluster, topic, group, and every value a string', () => {
    const so = only(objs, 'ScaledObject');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    const t = so.spec.triggers[0];
    expect(t.type).toBe('kafka');
    expect(t.metricType).toBe('AverageValue');
    expect(t.authenticationRef).toBeUndefined();
    expect(t.metadata).toEqual({
      bootstrapServers: BOOTSTRAP,
      consumerGroup: 'order-workers',
      topic: 'orders',
      lagThreshold: '10',
      activationLagThreshold: '0',
      offsetResetPolicy: 'latest',
      allowIdleConsumers: 'false',
      scaleToZeroOnInvalidOffset: 'true',
      excludePersistentLag: 'false',
      limitToPartitionsWithLag: 'false',
      ensureEvenDistributionOfPartitions: 'false',
    });
    for (const v of Object.values(t.metadata)) expect(typeof v).toBe('string');
    expect(t.metadata.bootstrapServers.split(',').every((h: string) => /\.svc\.cluster\.local:\d+$/.test(h))).toBe(true);
  });

  test('defaults: min 0 with a topic, max = partitions, KEDA polling and cooldown, fallback, slow scale-down', () => {
    const spec = only(objs, 'ScaledObject').spec;
    expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' });
    expect(spec.minReplicaCount).toBe(0);
    expect(spec.maxReplicaCount).toBe(3);
    expect(spec.idleReplicaCount).toBeUndefined();
    expect(spec.pollingInterval).toBe(30);
    expect(spec.cooldownPeriod).toBe(300);
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 1, behavior: 'currentReplicasIfHigher' });
    expect(spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    });
  });

  test('names and labels', () => {
    const so = only(objs, 'ScaledObject');
    expect(so.metadata.name).toBe('worker');
    expect(so.metadata.namespace).toBe('lab');
    expect(so.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'keda', 'app.kubernetes.io/instance': 'worker', 'app.kubernetes.io/component': 'kafka-lag-scaler' });
    expect(scaler.names).toEqual({ scaledObject: 'worker', triggerAuthentication: 'worker-kafka-auth', paramSecret: 'worker-kafka-auth-params', hpa: 'keda-hpa-worker' });
  });

  test('no warning: maxReplicas equals the partition count', () => {
    expect(warningsOf(scaler)).toEqual([]);
  });
});

describe('SCRAM over TLS (Strimzi-style user Secret without a username key)', () => {
  let objs: any[];
  beforeAll(() => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka', { listeners: { tls: { port: 9093, authentication: KafkaAuthentication.SCRAM_SHA_512, tlsCaSecret: CLUSTER_CA } } });
    const topic = cluster.addTopic('orders', 6);
    const user = cluster.addUser('order-workers', scram512('order-workers'));
    new KafkaLagScaler(chart, 'scaler', { cluster, topic, user, consumerGroup: 'order-workers', target: l1Deployment(chart, 'worker'), name: 'orders' });
    objs = synth(chart);
  });

  test('snapshot', () => {
    expect(objs.filter((o) => o.kind !== 'Deployment')).toMatchSnapshot();
  });

  test('validates against the Kubernetes schema and the KEDA CRDs', () => {
    expect(schemaErrors(objs, crds)).toEqual([]);
  });

  test('TriggerAuthentication maps sasl, username, password, tls and the cluster CA', () => {
    const ta = only(objs, 'TriggerAuthentication', 'orders-kafka-auth');
    expect(ta.spec.secretTargetRef).toEqual([
      { parameter: 'sasl', name: 'orders-kafka-auth-params', key: 'sasl' },
      { parameter: 'username', name: 'orders-kafka-auth-params', key: 'username' },
      { parameter: 'password', name: 'order-workers', key: 'password' },
      { parameter: 'tls', name: 'orders-kafka-auth-params', key: 'tls' },
      { parameter: 'ca', name: 'kafka-cluster-ca-cert', key: 'ca.crt' },
    ]);
    expect(Object.keys(ta.spec)).toEqual(['secretTargetRef']);
  });

  test('the parameter Secret holds only the user name and the modes, base64 in data (no secret value, deterministic)', () => {
    const secret = only(objs, 'Secret', 'orders-kafka-auth-params');
    expect(secretData(secret)).toEqual({ sasl: 'scram_sha512', username: 'order-workers', tls: 'enable' });
    expect(secret.stringData).toBeUndefined(); // stringData would make every client-side re-apply report a change
    expect(secret.type).toBe('Opaque');
  });

  test('the ScaledObject references the TriggerAuthentication; sasl and tls are not duplicated in the metadata', () => {
    const t = only(objs, 'ScaledObject').spec.triggers[0];
    expect(t.authenticationRef).toEqual({ name: 'orders-kafka-auth' });
    expect(t.metadata.sasl).toBeUndefined();
    expect(t.metadata.tls).toBeUndefined();
    expect(t.metadata.bootstrapServers).toContain(':9093');
  });

  test('warns when maxReplicas exceeds the partitions', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const topic = cluster.addTopic('orders', 3);
    const s = new KafkaLagScaler(chart, 'scaler', { cluster, topic, consumerGroup: 'g', target: l1Deployment(chart, 'w'), maxReplicas: 5 });
    const w = warningsOf(s);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('maxReplicas 5 exceeds the 3 partitions');
    const allowed = new KafkaLagScaler(chart, 'scaler2', { cluster, topic, consumerGroup: 'g2', target: l1Deployment(chart, 'w2'), maxReplicas: 5, allowIdleConsumers: true });
    expect(warningsOf(allowed)).toEqual([]);
  });
});

describe('mutual TLS', () => {
  test('cert and key come from the user Secret, ca from the cluster CA (not the user Secret ca.crt)', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka', { listeners: { tls: { port: 9093, authentication: KafkaAuthentication.MTLS, tlsCaSecret: CLUSTER_CA } } });
    const topic = cluster.addTopic('orders', 3);
    new KafkaLagScaler(chart, 'scaler', { cluster, topic, credentials: mtls('worker'), consumerGroup: 'g', target: l1Deployment(chart, 'worker') });
    const objs = synth(chart);
    expect(schemaErrors(objs, crds)).toEqual([]);
    const ta = only(objs, 'TriggerAuthentication');
    expect(ta.spec.secretTargetRef).toEqual([
      { parameter: 'tls', name: 'worker-kafka-auth-params', key: 'tls' },
      { parameter: 'ca', name: 'kafka-cluster-ca-cert', key: 'ca.crt' },
      { parameter: 'cert', name: 'worker', key: 'user.crt' },
      { parameter: 'key', name: 'worker', key: 'user.key' },
    ]);
    expect(ta.spec.secretTargetRef.some((r: any) => r.name === 'worker' && r.key === 'ca.crt')).toBe(false);
    expect(secretData(only(objs, 'Secret'))).toEqual({ tls: 'enable' });
  });
});

describe('TLS without authentication', () => {
  test('tls and ca only', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka', { listeners: { tls: { port: 9093, tlsCaSecret: CLUSTER_CA } } });
    new KafkaLagScaler(chart, 'scaler', { cluster, topic: cluster.addTopic('t', 1), consumerGroup: 'g', target: l1Deployment(chart, 'w') });
    const objs = synth(chart);
    expect(only(objs, 'TriggerAuthentication').spec.secretTargetRef.map((r: any) => r.parameter)).toEqual(['tls', 'ca']);
    expect(schemaErrors(objs, crds)).toEqual([]);
  });
});

describe('targets', () => {
  test('a cdk8s-plus Deployment: referenced by name, and its spec.replicas is left to the autoscaler', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const dep = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'registry.example/web:1', securityContext: { user: 1000 } }] });
    new KafkaLagScaler(chart, 'scaler', { cluster, topic: cluster.addTopic('t', 2), consumerGroup: 'g', target: dep });
    const objs = synth(chart);
    expect(only(objs, 'ScaledObject').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(only(objs, 'Deployment').spec.replicas).toBeUndefined();
  });

  test('a cdk8s-plus StatefulSet', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const sts = new kplus.StatefulSet(chart, 'db', { metadata: { name: 'db' }, containers: [{ image: 'registry.example/db:1', portNumber: 5432, securityContext: { user: 1000 } }] });
    new KafkaLagScaler(chart, 'scaler', { cluster, topic: cluster.addTopic('t', 2), consumerGroup: 'g', target: sts });
    const objs = synth(chart);
    expect(only(objs, 'ScaledObject').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' });
    expect(only(objs, 'StatefulSet').spec.replicas).toBeUndefined();
  });

  test('an L1 KubeStatefulSet, directly and through ScaleTarget.fromApiObject', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const sts = new k8s.KubeStatefulSet(chart, 'sts', {
      metadata: { name: 'sts' },
      spec: { serviceName: 'sts', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    const a = new KafkaLagScaler(chart, 'a', { cluster, consumerGroup: 'g', target: sts, name: 'a' });
    const b = new KafkaLagScaler(chart, 'b', { cluster, consumerGroup: 'g', target: ScaleTarget.fromApiObject(sts), name: 'b' });
    for (const s of [a, b]) expect(s.settings.target).toMatchObject({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'sts', namespace: 'lab' });
  });

  test('ScaleTarget.fromAttributes defaults to an apps/v1 Deployment', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    new KafkaLagScaler(chart, 'scaler', { cluster, consumerGroup: 'g', target: ScaleTarget.fromAttributes({ name: 'elsewhere' }) });
    expect(only(synth(chart), 'ScaledObject').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'elsewhere' });
  });
});

describe('options', () => {
  test('every option is rendered (strings in metadata, numbers in spec)', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const topic = cluster.addTopic('orders', 12);
    new KafkaLagScaler(chart, 'scaler', {
      cluster,
      topic,
      consumerGroup: 'g',
      target: l1Deployment(chart, 'w'),
      lagThreshold: 50,
      activationLagThreshold: 5,
      minReplicas: 2,
      maxReplicas: 12,
      idleReplicas: 0,
      pollingInterval: Duration.seconds(15),
      cooldownPeriod: Duration.minutes(10),
      offsetResetPolicy: OffsetResetPolicy.EARLIEST,
      excludePersistentLag: true,
      ensureEvenDistributionOfPartitions: true,
      partitionLimitation: [5, 0, 1, 2, 7, 8],
      fallback: { failureThreshold: 5, replicas: 4, behavior: FallbackBehavior.STATIC },
      scaleDown: { stabilizationWindow: Duration.minutes(2), policies: [{ type: ScalingPolicyType.PERCENT, value: 50, period: Duration.seconds(30) }], selectPolicy: ScalingPolicySelect.MIN },
      scaleUp: { stabilizationWindow: Duration.seconds(0), policies: [{ type: ScalingPolicyType.PODS, value: 2, period: Duration.seconds(15) }] },
      kafkaVersion: '3.9.0',
    });
    const objs = synth(chart);
    expect(schemaErrors(objs, crds)).toEqual([]);
    const spec = only(objs, 'ScaledObject').spec;
    expect(spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 12, idleReplicaCount: 0, pollingInterval: 15, cooldownPeriod: 600 });
    expect(spec.fallback).toEqual({ failureThreshold: 5, replicas: 4, behavior: 'static' });
    expect(spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 50, periodSeconds: 30 }] },
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 15 }] },
    });
    expect(spec.triggers[0].metadata).toMatchObject({
      lagThreshold: '50',
      activationLagThreshold: '5',
      offsetResetPolicy: 'earliest',
      scaleToZeroOnInvalidOffset: 'false',
      excludePersistentLag: 'true',
      ensureEvenDistributionOfPartitions: 'true',
      limitToPartitionsWithLag: 'false',
      partitionLimitation: '0-2,5,7-8',
      version: '3.9.0',
    });
  });

  test('fallback can be switched off', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    new KafkaLagScaler(chart, 'scaler', { cluster, topic: cluster.addTopic('t', 1), consumerGroup: 'g', target: l1Deployment(chart, 'w'), fallback: { enabled: false } });
    expect(only(synth(chart), 'ScaledObject').spec.fallback).toBeUndefined();
  });

  test('without a topic: min 1, max 100 (KEDA default), no partition-limited keys, no warning', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const s = new KafkaLagScaler(chart, 'scaler', { cluster, consumerGroup: 'g', target: l1Deployment(chart, 'w') });
    const spec = only(synth(chart), 'ScaledObject').spec;
    expect(spec.minReplicaCount).toBe(1);
    expect(spec.maxReplicaCount).toBe(100);
    expect(spec.triggers[0].metadata.topic).toBeUndefined();
    expect(spec.triggers[0].metadata.limitToPartitionsWithLag).toBeUndefined();
    expect(spec.triggers[0].metadata.scaleToZeroOnInvalidOffset).toBe('false');
    expect(warningsOf(s)).toEqual([]);
  });

  test('warns when minReplicas is 0 without a topic', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const s = new KafkaLagScaler(chart, 'scaler', { cluster, consumerGroup: 'g', target: l1Deployment(chart, 'w'), minReplicas: 0 });
    const w = warningsOf(s);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('minReplicas 0 without a topic');
  });

  test('scaleToZeroOnInvalidOffset defaults: true only for min 0 with LATEST', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const topic = cluster.addTopic('t', 3);
    const mk = (id: string, extra: object) =>
      new KafkaLagScaler(chart, id, { cluster, topic, consumerGroup: id, target: l1Deployment(chart, `w-${id}`), ...extra }).settings.scaleToZeroOnInvalidOffset;
    expect(mk('a', {})).toBe(true);
    expect(mk('b', { offsetResetPolicy: OffsetResetPolicy.EARLIEST })).toBe(false);
    expect(mk('c', { minReplicas: 1 })).toBe(false);
    expect(mk('d', { minReplicas: 1, scaleToZeroOnInvalidOffset: true })).toBe(true);
  });

  test('deterministic: two synths are identical', () => {
    const build = () => {
      const chart = labChart();
      const cluster = new FakeCluster(chart, 'kafka', { listeners: { tls: { port: 9093, authentication: KafkaAuthentication.SCRAM_SHA_512, tlsCaSecret: CLUSTER_CA } } });
      new KafkaLagScaler(chart, 'scaler', { cluster, topic: cluster.addTopic('t', 3), credentials: scram512('u'), consumerGroup: 'g', target: l1Deployment(chart, 'w') });
      return Testing.synth(chart);
    };
    expect(build()).toEqual(build());
  });
});
