/**
 * One test per synth-time rule of KafkaLagScaler: each breaks exactly one rule and asserts that the error names the
 * construct path, the prop and the offending value, and that nothing was emitted.
 */
import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { DatastreamValidationError, show } from '../../lib/common';
import { IKafkaCluster, KafkaAuthentication } from '../../lib/kafka';
import { KafkaLagScaler, KafkaLagScalerProps, ScaleTarget, ScalingPolicyType } from '../../lib/keda';
import { errorOf, labChart, synth } from '../util/synth';
import { CLUSTER_CA, FakeCluster, mtls, scram512 } from './fakes';
import { l1Deployment } from './helpers';

process.env.DATASTREAM_QUIET_WARNINGS = '1';

interface Fixture {
  chart: Chart;
  plain: FakeCluster;
  scram: FakeCluster;
  mtlsCluster: FakeCluster;
  other: FakeCluster;
}

function fixture(): Fixture {
  const chart = labChart();
  return {
    chart,
    plain: new FakeCluster(chart, 'plain', { name: 'plain' }),
    scram: new FakeCluster(chart, 'scram', { name: 'scram', listeners: { tls: { port: 9093, authentication: KafkaAuthentication.SCRAM_SHA_512, tlsCaSecret: CLUSTER_CA } } }),
    mtlsCluster: new FakeCluster(chart, 'mtls', { name: 'mtls', listeners: { tls: { port: 9093, authentication: KafkaAuthentication.MTLS, tlsCaSecret: CLUSTER_CA } } }),
    other: new FakeCluster(chart, 'other', { name: 'other', namespace: 'elsewhere' }),
  };
}

/** Valid props on the plaintext cluster with a 3-partition topic; each case overrides what it breaks. */
function base(f: Fixture, cluster: IKafkaCluster = f.plain, worker = 'worker'): KafkaLagScalerProps {
  const topic = (cluster as FakeCluster).addTopic('orders', 3);
  return { cluster, topic, consumerGroup: 'workers', target: l1Deployment(f.chart, worker) };
}

/** Builds the scaler and returns the failures of the validation error it must throw. */
function failuresOf(f: Fixture, props: KafkaLagScalerProps): DatastreamValidationError['failures'] {
  const e = errorOf(() => new KafkaLagScaler(f.chart, 'scaler', props));
  expect(e).toBeInstanceOf(DatastreamValidationError);
  return (e as DatastreamValidationError).failures;
}

/** Asserts one failure for `prop` whose message shows `value`, and that the scaler emitted nothing. */
function expectRule(f: Fixture, props: KafkaLagScalerProps, prop: string, value: unknown, allowedFragment?: string): void {
  const failures = failuresOf(f, props);
  const hit = failures.filter((x) => x.prop === prop);
  expect(hit.map((x) => x.prop)).toEqual([prop]);
  expect(hit[0].message).toContain('[test/scaler] KafkaLagScaler');
  expect(hit[0].message).toContain(`prop '${prop}': ${show(value)} is invalid`);
  if (allowedFragment) expect(hit[0].message).toContain(allowedFragment);
  expect(synth(f.chart).some((o) => o.kind === 'ScaledObject' || o.kind === 'TriggerAuthentication')).toBe(false);
}

test('baseline: the base props are valid on every fixture cluster', () => {
  const f = fixture();
  new KafkaLagScaler(f.chart, 'a', { ...base(f, f.plain, 'wa'), name: 'a' });
  new KafkaLagScaler(f.chart, 'b', { ...base(f, f.scram, 'wb'), credentials: scram512('u'), name: 'b' });
  new KafkaLagScaler(f.chart, 'c', { ...base(f, f.mtlsCluster, 'wc'), credentials: mtls('u'), name: 'c' });
  expect(synth(f.chart).filter((o) => o.kind === 'ScaledObject')).toHaveLength(3);
});

test('all failures are reported together', () => {
  const f = fixture();
  const failures = failuresOf(f, { ...base(f), lagThreshold: 0, minReplicas: -1, pollingInterval: Duration.millis(1500) });
  expect(failures.map((x) => x.prop).sort()).toEqual(['lagThreshold', 'minReplicas', 'pollingInterval']);
});

describe('rules', () => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture();
  });

  test('name: a DNS label', () => expectRule(f, { ...base(f), name: 'Orders_Scaler' }, 'name', 'Orders_Scaler'));
  test('consumerGroup: non-empty', () => expectRule(f, { ...base(f), consumerGroup: '' }, 'consumerGroup', ''));
  test('target.name: an RFC 1123 name', () =>
    expectRule(f, { ...base(f), name: 'ok', target: ScaleTarget.fromAttributes({ name: 'Bad Name' }) }, 'target.name', 'Bad Name'));
  test('target.kind: scalable apps/v1 kinds only', () =>
    expectRule(f, { ...base(f), target: ScaleTarget.fromAttributes({ kind: 'DaemonSet', name: 'ds' }) }, 'target.kind', 'DaemonSet', 'DaemonSet cannot be scaled'));
  test('target: no fixed replica count on a cdk8s-plus workload', () => {
    const dep = new kplus.Deployment(f.chart, 'web', { metadata: { name: 'web' }, replicas: 3, containers: [{ image: 'registry.example/web:1' }] });
    expectRule(f, { ...base(f), target: dep }, 'target', "Deployment 'web' with replicas: 3");
  });
  test("target.namespace: the ScaledObject's namespace", () =>
    expectRule(f, { ...base(f), target: ScaleTarget.fromAttributes({ name: 'w', namespace: 'other' }) }, 'target.namespace', 'other'));
  test('listenerName: a listener of the cluster', () => expectRule(f, { ...base(f), listenerName: 'external' }, 'listenerName', 'external', 'plain'));
  test('topic: on the same cluster', () => {
    const foreign = f.other.addTopic('orders', 3);
    expectRule(f, { ...base(f), topic: foreign }, 'topic', "orders on cluster 'other' (namespace elsewhere)");
  });
  test('lagThreshold: positive', () => expectRule(f, { ...base(f), lagThreshold: 0 }, 'lagThreshold', 0));
  test('activationLagThreshold: not negative', () => expectRule(f, { ...base(f), activationLagThreshold: -1 }, 'activationLagThreshold', -1));
  test('minReplicas: a whole number >= 0', () => expectRule(f, { ...base(f), minReplicas: 1.5, maxReplicas: 3 }, 'minReplicas', 1.5));
  test('maxReplicas: >= 1', () => expectRule(f, { ...base(f), maxReplicas: 0 }, 'maxReplicas', 0));
  test('minReplicas <= maxReplicas', () => expectRule(f, { ...base(f), minReplicas: 4, maxReplicas: 2, fallback: { enabled: false } }, 'minReplicas', 4, 'at most maxReplicas (2)'));
  test('idleReplicas: only 0', () => expectRule(f, { ...base(f), minReplicas: 2, idleReplicas: 1 }, 'idleReplicas', 1));
  test('idleReplicas: below minReplicas', () => expectRule(f, { ...base(f), minReplicas: 0, idleReplicas: 0 }, 'idleReplicas', 0, 'now 0'));
  test('pollingInterval: whole seconds >= 1', () => expectRule(f, { ...base(f), pollingInterval: Duration.millis(500) }, 'pollingInterval', 0.5));
  test('cooldownPeriod: whole seconds', () => expectRule(f, { ...base(f), cooldownPeriod: Duration.millis(2500) }, 'cooldownPeriod', 2.5));
  test('limitToPartitionsWithLag: needs a topic', () =>
    expectRule(f, { ...base(f), topic: undefined, minReplicas: 1, limitToPartitionsWithLag: true }, 'limitToPartitionsWithLag', true, 'together with `topic`'));
  test('ensureEvenDistributionOfPartitions: needs a topic', () =>
    expectRule(f, { ...base(f), topic: undefined, minReplicas: 1, ensureEvenDistributionOfPartitions: true }, 'ensureEvenDistributionOfPartitions', true));
  test('partitionLimitation: needs a topic', () => {
    const failures = failuresOf(f, { ...base(f), topic: undefined, minReplicas: 1, partitionLimitation: [0] });
    expect(failures.map((x) => x.prop)).toEqual(['partitionLimitation']);
    expect(failures[0].message).toContain("prop 'partitionLimitation': [0] is invalid; allowed: partition ids only together with `topic`");
  });
  test("partitionLimitation: ids of the topic's partitions", () =>
    expectRule(f, { ...base(f), partitionLimitation: [0, 3] }, 'partitionLimitation', [0, 3], '0 to 2'));
  test('limitToPartitionsWithLag: not with allowIdleConsumers', () =>
    expectRule(f, { ...base(f), limitToPartitionsWithLag: true, allowIdleConsumers: true }, 'limitToPartitionsWithLag', true, 'without allowIdleConsumers'));
  test('limitToPartitionsWithLag: not with ensureEvenDistributionOfPartitions', () =>
    expectRule(f, { ...base(f), limitToPartitionsWithLag: true, ensureEvenDistributionOfPartitions: true }, 'limitToPartitionsWithLag', true, 'without ensureEvenDistributionOfPartitions'));
  test('credentials and user: not both', () => {
    const user = f.scram.addUser('u', scram512('u'));
    expectRule(f, { ...base(f, f.scram), credentials: scram512('u'), user }, 'credentials', 'both credentials and user');
  });
  test('user: of the same cluster', () => {
    const user = f.other.addUser('u', scram512('u'));
    expectRule(f, { ...base(f), user }, 'user', "a user of cluster 'other'");
  });
  test('credentials: required on an authenticating listener', () =>
    expectRule(f, base(f, f.scram), 'credentials', undefined, "listener 'tls' authenticates clients"));
  test('credentials.authentication: the listener mechanism', () =>
    expectRule(f, { ...base(f, f.scram), credentials: { ...scram512('u'), authentication: KafkaAuthentication.SCRAM_SHA_256 } }, 'credentials.authentication', 'scram-sha-256', "'scram-sha-512'"));
  test('credentials.username: non-empty for SCRAM', () =>
    expectRule(f, { ...base(f, f.scram), credentials: { ...scram512('u'), username: ' u' } }, 'credentials.username', ' u'));
  test('credentials.passwordSecret: required for SCRAM', () =>
    expectRule(f, { ...base(f, f.scram), credentials: { ...scram512('u'), passwordSecret: undefined } }, 'credentials.passwordSecret', undefined));
  test('credentials: certificate and key together', () => {
    const creds = { ...mtls('u'), keySecret: undefined };
    const failures = failuresOf(f, { ...base(f, f.mtlsCluster), credentials: creds });
    expect(failures.map((x) => x.prop)).toEqual(['credentials.certificateSecret']);
    expect(failures[0].message).toContain(`${show({ certificateSecret: creds.certificateSecret })} is invalid; allowed: certificateSecret and keySecret together`);
  });
  test('credentials.certificateSecret: required for mTLS', () =>
    expectRule(f, { ...base(f, f.mtlsCluster), credentials: { ...mtls('u'), certificateSecret: undefined, keySecret: undefined } }, 'credentials.certificateSecret', undefined, 'mutual TLS'));
  test('credentials.certificateSecret: only on a TLS listener', () => {
    const creds = { username: 'u', authentication: KafkaAuthentication.NONE, certificateSecret: { secretName: 'u', key: 'user.crt' }, keySecret: { secretName: 'u', key: 'user.key' } };
    expectRule(f, { ...base(f), credentials: creds }, 'credentials.certificateSecret', creds.certificateSecret, 'not a TLS listener');
  });
  test("namespace: the cluster's when Secrets are referenced", () =>
    expectRule(f, { ...base(f, f.scram), credentials: scram512('u'), namespace: 'apps', target: ScaleTarget.fromAttributes({ name: 'w' }) }, 'namespace', 'apps', "the cluster's namespace 'lab'"));
  test('fallback.failureThreshold: positive', () => expectRule(f, { ...base(f), fallback: { failureThreshold: 0 } }, 'fallback.failureThreshold', 0));
  test('fallback.replicas: within maxReplicas', () => expectRule(f, { ...base(f), fallback: { replicas: 4 } }, 'fallback.replicas', 4, 'maxReplicas (3)'));
  test('scaleDown.stabilizationWindow: at most an hour', () =>
    expectRule(f, { ...base(f), scaleDown: { stabilizationWindow: Duration.hours(2) } }, 'scaleDown.stabilizationWindow', 7200));
  test('scaleDown.policies: value > 0 and period 1..1800 s', () => {
    const policies = [{ type: ScalingPolicyType.PODS, value: 1, period: Duration.hours(1) }];
    expectRule(f, { ...base(f), scaleDown: { policies } }, 'scaleDown.policies', [{ type: 'Pods', value: 1, periodSeconds: 3600 }]);
  });
  test('scaleUp.stabilizationWindow: whole seconds', () =>
    expectRule(f, { ...base(f), scaleUp: { stabilizationWindow: Duration.millis(100) } }, 'scaleUp.stabilizationWindow', 0.1));
  test('scaleUp.policies: at least one', () => expectRule(f, { ...base(f), scaleUp: { policies: [] } }, 'scaleUp.policies', []));
  test('kafkaVersion: a version number', () => expectRule(f, { ...base(f), kafkaVersion: 'latest' }, 'kafkaVersion', 'latest'));
  test('namespace: required (from the prop or the chart)', () => {
    const chart = new Chart(labChart().node.root as any, 'no-ns');
    const cluster = new FakeCluster(chart, 'k', { namespace: 'lab' });
    const e = errorOf(() => new KafkaLagScaler(chart, 'scaler', { cluster, consumerGroup: 'g', target: ScaleTarget.fromAttributes({ name: 'w' }) }));
    expect(e.message).toContain("[no-ns/scaler] KafkaLagScaler prop 'namespace': undefined is invalid");
  });
});
