import { Duration } from 'cdk8s';
import { DatastreamValidationError, IMAGES, imageRef } from '../../lib/common';
import { KafkaAuthentication } from '../../lib/kafka';
import { CONSUMER_SCRIPT, KafkaConsumerSample, KafkaLagScaler, OffsetResetPolicy } from '../../lib/keda';
import { errorOf, labChart, only, synth } from '../util/synth';
import { CLUSTER_CA, FakeCluster, mtls, scram512 } from './fakes';
import { kedaCrdPaths, schemaErrors } from './helpers';

process.env.DATASTREAM_QUIET_WARNINGS = '1';

let crds: string[];
beforeAll(async () => {
  crds = await kedaCrdPaths();
});

const env = (dep: any): { [k: string]: any } => Object.fromEntries(dep.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('plaintext cluster', () => {
  let objs: any[];
  let sample: KafkaConsumerSample;
  beforeAll(() => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    const topic = cluster.addTopic('dojo-test', 3);
    sample = new KafkaConsumerSample(chart, 'dojo-consumer', { cluster, topic, consumerGroup: 'dojo-consumer' });
    new KafkaLagScaler(chart, 'scaler', { cluster, topic, consumerGroup: sample.consumerGroup, target: sample, offsetResetPolicy: sample.offsetResetPolicy });
    objs = synth(chart);
  });

  test('snapshot', () => {
    expect(objs).toMatchSnapshot();
  });

  test('validates against the Kubernetes schema and the KEDA CRD', () => {
    expect(schemaErrors(objs, crds)).toEqual([]);
  });

  test('a Deployment without spec.replicas (KEDA owns it), running rpk from the pinned Redpanda image', () => {
    const dep = only(objs, 'Deployment', 'dojo-consumer');
    expect(dep.spec.replicas).toBeUndefined();
    const c = dep.spec.template.spec.containers[0];
    expect(c.image).toBe(imageRef(IMAGES.redpanda));
    expect(c.command).toEqual(['/bin/sh', '-c', CONSUMER_SCRIPT]);
    expect(CONSUMER_SCRIPT).toContain('rpk topic consume "$TOPIC" --group "$GROUP" --offset "$START_OFFSET" --num "$RECORDS_PER_BATCH"');
    expect(CONSUMER_SCRIPT).toContain("trap 'kill \"$child\"");
    expect(env(dep)).toMatchObject({
      TOPIC: 'dojo-test',
      GROUP: 'dojo-consumer',
      START_OFFSET: 'start',
      RECORDS_PER_BATCH: '10',
      PAUSE_SECONDS: '5',
      HOME: '/tmp',
      RPK_BROKERS: 'kafka-0.kafka-brokers.lab.svc.cluster.local:9092,kafka-1.kafka-brokers.lab.svc.cluster.local:9092,kafka-2.kafka-brokers.lab.svc.cluster.local:9092',
    });
    expect(Object.keys(env(dep)).filter((k) => k.startsWith('RPK_'))).toEqual(['RPK_BROKERS']);
  });

  test('restricted PodSecurity: non-root uid 101, no escalation, drop ALL, RuntimeDefault, read-only root', () => {
    const pod = only(objs, 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, fsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 101,
      runAsGroup: 101,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.containers[0].resources.limits).toEqual({ cpu: '200m', memory: '128Mi' });
  });

  test('labels: selector without the version, common labels with it', () => {
    const dep = only(objs, 'Deployment');
    expect(dep.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'kafka-consumer-sample',
      'app.kubernetes.io/instance': 'dojo-consumer',
      'app.kubernetes.io/component': 'consumer',
    });
    expect(dep.spec.template.metadata.labels['app.kubernetes.io/version']).toBe(IMAGES.redpanda.tag);
  });

  test('is the scaler target, with the matching offset reset policy', () => {
    const so = only(objs, 'ScaledObject');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'dojo-consumer' });
    expect(so.spec.triggers[0].metadata.offsetResetPolicy).toBe('earliest');
    expect(so.spec.triggers[0].metadata.consumerGroup).toBe('dojo-consumer');
    expect(sample.offsetResetPolicy).toBe(OffsetResetPolicy.EARLIEST);
  });
});

describe('SCRAM over TLS', () => {
  test('rpk gets SCRAM user, password from the Secret, TLS on with the cluster CA mounted', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka', { listeners: { tls: { port: 9093, authentication: KafkaAuthentication.SCRAM_SHA_512, tlsCaSecret: CLUSTER_CA } } });
    const topic = cluster.addTopic('dojo-test', 3);
    new KafkaConsumerSample(chart, 'c', { cluster, topic, consumerGroup: 'g', user: cluster.addUser('dojo', scram512('dojo')), name: 'consumer' });
    const objs = synth(chart);
    expect(schemaErrors(objs, crds)).toEqual([]);
    const dep = only(objs, 'Deployment');
    expect(env(dep)).toMatchObject({
      RPK_SASL_MECHANISM: 'SCRAM-SHA-512',
      RPK_USER: 'dojo',
      RPK_PASS: { secretKeyRef: { name: 'dojo', key: 'password' } },
      RPK_TLS_ENABLED: 'true',
      RPK_TLS_CA: '/etc/kafka/ca/ca.crt',
    });
    const pod = dep.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'kafka-ca', secret: { secretName: 'kafka-cluster-ca-cert', items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o440 } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'kafka-ca', mountPath: '/etc/kafka/ca', readOnly: true });
    // No secret value in args or plain env.
    expect(JSON.stringify(pod.containers[0].command)).not.toContain('password');
  });
});

describe('mutual TLS', () => {
  test('client certificate and key are projected from the user Secret', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka', { listeners: { tls: { port: 9093, authentication: KafkaAuthentication.MTLS, tlsCaSecret: CLUSTER_CA } } });
    new KafkaConsumerSample(chart, 'c', { cluster, topic: cluster.addTopic('t', 1), consumerGroup: 'g', credentials: mtls('dojo') });
    const objs = synth(chart);
    expect(schemaErrors(objs, crds)).toEqual([]);
    const dep = only(objs, 'Deployment');
    expect(env(dep)).toMatchObject({ RPK_TLS_CERT: '/etc/kafka/client/tls.crt', RPK_TLS_KEY: '/etc/kafka/client/tls.key' });
    expect(env(dep).RPK_USER).toBeUndefined();
    const vol = dep.spec.template.spec.volumes.find((v: any) => v.name === 'kafka-client');
    expect(vol.projected.sources).toEqual([
      { secret: { name: 'dojo', items: [{ key: 'user.crt', path: 'tls.crt' }] } },
      { secret: { name: 'dojo', items: [{ key: 'user.key', path: 'tls.key' }] } },
    ]);
  });
});

describe('options and rules', () => {
  test('rate, offset policy and fixed replicas', () => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka');
    new KafkaConsumerSample(chart, 'c', {
      cluster,
      topic: cluster.addTopic('t', 1),
      consumerGroup: 'g',
      recordsPerBatch: 3,
      pauseBetweenBatches: Duration.seconds(20),
      offsetResetPolicy: OffsetResetPolicy.LATEST,
      replicas: 2,
    });
    const dep = only(synth(chart), 'Deployment');
    expect(dep.spec.replicas).toBe(2);
    expect(env(dep)).toMatchObject({ RECORDS_PER_BATCH: '3', PAUSE_SECONDS: '20', START_OFFSET: 'end' });
  });

  const cases: [string, (c: FakeCluster, other: FakeCluster) => object, string, string][] = [
    ['name', () => ({ name: 'Consumer' }), 'name', "'Consumer'"],
    ['consumerGroup', () => ({ consumerGroup: '' }), 'consumerGroup', "''"],
    ['recordsPerBatch', () => ({ recordsPerBatch: 0 }), 'recordsPerBatch', '0'],
    ['pauseBetweenBatches', () => ({ pauseBetweenBatches: Duration.millis(1500) }), 'pauseBetweenBatches', '1.5'],
    ['replicas', () => ({ replicas: -1 }), 'replicas', '-1'],
    ['topic of another cluster', (_c, other) => ({ topic: other.addTopic('x', 1) }), 'topic', "'x on cluster 'other'"],
    ['listenerName', () => ({ listenerName: 'nope' }), 'listenerName', "'nope'"],
    ['credentials on a SCRAM listener', () => ({ listenerName: 'scram' }), 'credentials', 'undefined'],
  ];
  test.each(cases)('rule: %s', (_name, extra, prop, shown) => {
    const chart = labChart();
    const cluster = new FakeCluster(chart, 'kafka', {
      listeners: { plain: { port: 9092 }, scram: { port: 9094, authentication: KafkaAuthentication.SCRAM_SHA_512 } },
    });
    const other = new FakeCluster(chart, 'other', { name: 'other' });
    const e = errorOf(() => new KafkaConsumerSample(chart, 'c', { cluster, topic: cluster.addTopic('t', 1), consumerGroup: 'g', ...extra(cluster, other) }));
    expect(e).toBeInstanceOf(DatastreamValidationError);
    const failures = (e as DatastreamValidationError).failures;
    expect(failures.map((f) => f.prop)).toEqual([prop]);
    expect(failures[0].message).toContain(`[test/c] KafkaConsumerSample prop '${prop}': ${shown}`);
    expect(synth(chart).some((o) => o.kind === 'Deployment')).toBe(false);
  });
});
