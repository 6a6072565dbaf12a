/** StrimziKafka lab and production presets: snapshots, targeted assertions, CRD schemas, IKafkaCluster wiring. */
import { Chart, Testing } from 'cdk8s';
import { VERSIONS } from '../../lib/common/images';
import { warningsOf } from '../../lib/common/validation';
import { KafkaAuthentication } from '../../lib/kafka';
import { StrimziKafka, StrimziListenerType, StrimziNodeRole, StrimziProfile, StrimziStorageType } from '../../lib/strimzi';
import { all, only } from '../util/synth';
import { chart, cluster, schemaErrors, strimziCrdPaths } from './helpers';

let crds: string[];
beforeAll(async () => {
  crds = await strimziCrdPaths();
});

/** PodSecurity `restricted`: non-root with an explicit uid, seccomp RuntimeDefault, no escalation, drop ALL. */
function expectRestricted(pod: any, containers: any[]): void {
  expect(pod.runAsNonRoot).toBe(true);
  expect(pod.runAsUser).toBeGreaterThan(0);
  expect(pod.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  for (const c of containers) {
    expect(c.runAsNonRoot).toBe(true);
    expect(c.runAsUser).toBeGreaterThan(0);
    expect(c.allowPrivilegeEscalation).toBe(false);
    expect(c.privileged).toBe(false);
    expect(c.capabilities).toEqual({ drop: ['ALL'] });
    expect(c.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  }
}

function expectStrimziBasics(objs: any[]): void {
  for (const o of objs) {
    expect(o.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(o.metadata.namespace).toBe('lab');
    // KRaft and node pools are always on since 0.48: the old annotations must not be emitted.
    expect(Object.keys(o.metadata.annotations ?? {})).not.toEqual(expect.arrayContaining(['strimzi.io/kraft']));
    expect(Object.keys(o.metadata.annotations ?? {})).not.toEqual(expect.arrayContaining(['strimzi.io/node-pools']));
  }
  const kafka = only(objs, 'Kafka');
  // v1 moved replicas, storage and resources to the node pools.
  expect(kafka.spec.kafka.replicas).toBeUndefined();
  expect(kafka.spec.kafka.storage).toBeUndefined();
  expect(kafka.spec.zookeeper).toBeUndefined();
  const eo = kafka.spec.entityOperator;
  expect(eo.topicOperator).toEqual({});
  expect(eo.userOperator).toEqual({});
  expectRestricted(eo.template.pod.securityContext, [eo.template.topicOperatorContainer.securityContext, eo.template.userOperatorContainer.securityContext]);
  for (const pool of all(objs, 'KafkaNodePool')) {
    expect(pool.metadata.labels['strimzi.io/cluster']).toBe(kafka.metadata.name);
    expectRestricted(pool.spec.template.pod.securityContext, [pool.spec.template.kafkaContainer.securityContext, pool.spec.template.initContainer.securityContext]);
    const volumes = pool.spec.storage.volumes ?? [];
    expect(volumes.filter((v: any) => v.kraftMetadata === 'shared').length).toBeLessThanOrEqual(1);
  }
  for (const o of [...all(objs, 'KafkaTopic'), ...all(objs, 'KafkaUser')]) expect(o.metadata.labels['strimzi.io/cluster']).toBe(kafka.metadata.name);
  // Selector-like labels never carry the version; the common labels do.
  expect(kafka.metadata.labels['app.kubernetes.io/version']).toBe(VERSIONS.strimziKafka);
}

describe('lab profile (default)', () => {
  const build = () => {
    const b = cluster();
    const topic = b.kafka.addTopic('dojo-test', { topicName: 'dojo-test', partitions: 3 });
    return { ...b, topic };
  };

  test('snapshot', () => {
    expect(build().objs()).toMatchSnapshot();
  });

  test('every object validates against its CRD (and nothing is left unvalidated)', () => {
    const objs = build().objs();
    expect(objs.map((o) => o.kind).sort()).toEqual(['Kafka', 'KafkaNodePool', 'KafkaTopic']);
    expect(schemaErrors(objs, crds)).toEqual([]);
  });

  test('Kafka: pinned versions, plain and TLS internal listeners without authentication, entity operator on', () => {
    const objs = build().objs();
    expectStrimziBasics(objs);
    const k = only(objs, 'Kafka', 'strimzi').spec.kafka;
    expect(k.version).toBe(VERSIONS.strimziKafka);
    expect(k.metadataVersion).toBe(VERSIONS.strimziMetadata);
    expect(k.listeners).toEqual([
      { name: 'plain', port: 9092, type: 'internal', tls: false },
      { name: 'tls', port: 9093, type: 'internal', tls: true },
    ]);
    expect(k.authorization).toBeUndefined();
  });

  test('Kafka: replication settings for one broker', () => {
    expect(only(build().objs(), 'Kafka').spec.kafka.config).toEqual({
      'offsets.topic.replication.factor': 1,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      'default.replication.factor': 1,
      'min.insync.replicas': 1,
    });
  });

  test('one dual-role pool: 1 replica, both roles, JBOD volume holding the KRaft metadata, node IDs from 0', () => {
    const pool = only(build().objs(), 'KafkaNodePool');
    expect(pool.metadata.name).toBe('dual-role');
    expect(pool.metadata.annotations).toEqual({ 'strimzi.io/next-node-ids': '[0-99]' });
    expect(pool.spec.replicas).toBe(1);
    expect(pool.spec.roles).toEqual(['controller', 'broker']);
    expect(pool.spec.storage).toEqual({ type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '5Gi', deleteClaim: false, kraftMetadata: 'shared' }] });
    expect(pool.spec.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } });
    // Soft anti-affinity: still schedules on a one-node kind cluster.
    expect(pool.spec.template.pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(pool.spec.template.pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  });

  test('topic dojo-test: 3 partitions, replication factor 1 (one broker), labelled for the cluster', () => {
    const t = only(build().objs(), 'KafkaTopic');
    expect(t.metadata.name).toBe('dojo-test');
    expect(t.spec).toEqual({ partitions: 3, replicas: 1 });
  });

  test('IKafkaCluster: name, flavor, broker count, selector, listeners', () => {
    const { kafka } = build();
    expect(kafka.clusterName).toBe('strimzi');
    expect(kafka.namespace).toBe('lab');
    expect(kafka.flavor).toBe('strimzi');
    expect(kafka.brokerCount).toBe(1);
    expect(kafka.brokerNodeIds).toEqual([0]);
    expect(kafka.controllerNodeIds).toEqual([0]);
    expect(kafka.brokerSelector).toEqual({ 'strimzi.io/cluster': 'strimzi', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' });
    expect(kafka.listenerNames).toEqual(['plain', 'tls']);
    expect(kafka.brokerPodNames()).toEqual(['strimzi-dual-role-0']);
  });

  test('connection(): plain by default, FQDN bootstrap, no CA, no authentication', () => {
    expect(build().kafka.connection()).toEqual({
      listenerName: 'plain',
      bootstrapServers: 'strimzi-kafka-bootstrap.lab.svc.cluster.local:9092',
      port: 9092,
      tlsCaSecret: undefined,
      authentication: KafkaAuthentication.NONE,
    });
  });

  test("connection('tls'): trusts the CLUSTER CA Secret", () => {
    const c = build().kafka.connection('tls');
    expect(c.bootstrapServers).toBe('strimzi-kafka-bootstrap.lab.svc.cluster.local:9093');
    expect(c.tlsCaSecret).toEqual({ secretName: 'strimzi-cluster-ca-cert', key: 'ca.crt' });
  });

  test('connection() of an unknown listener names the listener and the allowed ones', () => {
    expect(() => build().kafka.connection('nope')).toThrow(/connection\(listenerName\)': 'nope' is invalid; allowed: an internal or cluster-ip listener of this cluster: plain, tls/);
  });

  test('no warnings', () => {
    expect(warningsOf(build().kafka)).toEqual([]);
  });

  test('output is deterministic', () => {
    expect(JSON.stringify(build().objs())).toBe(JSON.stringify(build().objs()));
  });
});

describe('production profile', () => {
  const build = () => cluster({ profile: StrimziProfile.PRODUCTION });

  test('snapshot', () => {
    expect(build().objs()).toMatchSnapshot();
  });

  test('every object validates against its CRD', () => {
    const objs = build().objs();
    expect(objs.map((o) => o.kind).sort()).toEqual(['Kafka', 'KafkaNodePool', 'KafkaNodePool']);
    expect(schemaErrors(objs, crds)).toEqual([]);
    expectStrimziBasics(objs);
  });

  test('3 brokers (node IDs 0-2) and 3 controllers (100-102) in separate pools, hard anti-affinity', () => {
    const { kafka, objs } = build();
    const pools = all(objs(), 'KafkaNodePool');
    const broker = pools.find((p) => p.metadata.name === 'broker');
    const controller = pools.find((p) => p.metadata.name === 'controller');
    expect(broker.spec.roles).toEqual(['broker']);
    expect(broker.spec.replicas).toBe(3);
    expect(broker.metadata.annotations['strimzi.io/next-node-ids']).toBe('[0-99]');
    expect(broker.spec.storage.volumes).toEqual([{ id: 0, type: 'persistent-claim', size: '100Gi', deleteClaim: false, kraftMetadata: 'shared' }]);
    expect(controller.spec.roles).toEqual(['controller']);
    expect(controller.spec.replicas).toBe(3);
    expect(controller.metadata.annotations['strimzi.io/next-node-ids']).toBe('[100-199]');
    for (const p of pools) {
      expect(p.spec.template.pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual({
        'strimzi.io/cluster': 'strimzi',
        'strimzi.io/pool-name': p.metadata.name,
      });
    }
    expect(kafka.brokerNodeIds).toEqual([0, 1, 2]);
    expect(kafka.controllerNodeIds).toEqual([100, 101, 102]);
    expect(kafka.brokerPodNames()).toEqual(['strimzi-broker-0', 'strimzi-broker-1', 'strimzi-broker-2']);
  });

  test('SCRAM-SHA-512 on the TLS listener and on the external TLS nodeport with pinned bootstrap and per-broker node ports', () => {
    const k = only(build().objs(), 'Kafka').spec.kafka;
    expect(k.listeners).toEqual([
      { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' } },
      {
        name: 'external',
        port: 9094,
        type: 'nodeport',
        tls: true,
        authentication: { type: 'scram-sha-512' },
        configuration: {
          bootstrap: { nodePort: 32100 },
          brokers: [
            { broker: 0, nodePort: 32101 },
            { broker: 1, nodePort: 32102 },
            { broker: 2, nodePort: 32103 },
          ],
        },
      },
    ]);
  });

  test('simple authorization; replication 3/3/2/3/2; topics only through KafkaTopic', () => {
    const k = only(build().objs(), 'Kafka').spec.kafka;
    expect(k.authorization).toEqual({ type: 'simple' });
    expect(k.config).toEqual({
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.replication.factor': 3,
      'transaction.state.log.min.isr': 2,
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'auto.create.topics.enable': 'false',
    });
  });

  test('connection(): the TLS listener by default, cluster CA, SCRAM-SHA-512', () => {
    expect(build().kafka.connection()).toEqual({
      listenerName: 'tls',
      bootstrapServers: 'strimzi-kafka-bootstrap.lab.svc.cluster.local:9093',
      port: 9093,
      tlsCaSecret: { secretName: 'strimzi-cluster-ca-cert', key: 'ca.crt' },
      authentication: KafkaAuthentication.SCRAM_SHA_512,
    });
    expect(build().kafka.listenerNames).toEqual(['tls']);
  });

  test('externalAccess(): bootstrap and per-broker Services with their node ports', () => {
    expect(build().kafka.externalAccess('external')).toEqual({
      listenerName: 'external',
      type: StrimziListenerType.NODEPORT,
      bootstrapServiceName: 'strimzi-kafka-external-bootstrap',
      bootstrapNodePort: 32100,
      brokers: [
        { nodeId: 0, podName: 'strimzi-broker-0', serviceName: 'strimzi-broker-external-0', nodePort: 32101 },
        { nodeId: 1, podName: 'strimzi-broker-1', serviceName: 'strimzi-broker-external-1', nodePort: 32102 },
        { nodeId: 2, podName: 'strimzi-broker-2', serviceName: 'strimzi-broker-external-2', nodePort: 32103 },
      ],
      tlsCaSecret: { secretName: 'strimzi-cluster-ca-cert', key: 'ca.crt' },
      authentication: KafkaAuthentication.SCRAM_SHA_512,
    });
  });

  test('connection() refuses the external listener and points to externalAccess()', () => {
    expect(() => build().kafka.connection('external')).toThrow(/'external' is invalid.*use externalAccess\('external'\)/);
  });

  test('externalAccess() refuses an internal listener', () => {
    expect(() => build().kafka.externalAccess('tls')).toThrow(/externalAccess\(listenerName\)': 'tls' is invalid; allowed: .*external/);
  });

  test('no warnings for the preset itself', () => {
    expect(warningsOf(build().kafka)).toEqual([]);
  });
});

describe('other wiring', () => {
  test('a cluster-ip listener is served through its own bootstrap Service', () => {
    const { kafka } = cluster({
      listeners: [{ name: 'cip', port: 9095, type: StrimziListenerType.CLUSTER_IP, tls: true }],
    });
    expect(kafka.connection().bootstrapServers).toBe('strimzi-kafka-cip-bootstrap.lab.svc.cluster.local:9095');
  });

  test('a custom broker certificate: clients trust its CA, not the cluster CA', () => {
    const { kafka } = cluster({
      listeners: [
        {
          name: 'tls',
          port: 9093,
          type: StrimziListenerType.INTERNAL,
          tls: true,
          configuration: { brokerCertificate: { secretName: 'kafka-cert', certificate: 'tls.crt', key: 'tls.key' } },
        },
      ],
    });
    expect(kafka.connection().tlsCaSecret).toEqual({ secretName: 'kafka-cert', key: 'ca.crt' });
  });

  test('name, namespace, clusterDomain and userSecretPrefix props', () => {
    const c = chart('apps');
    const k = new StrimziKafka(c, 'id', { name: 'events', namespace: 'data', clusterDomain: 'corp.local', userSecretPrefix: 'kafka-' });
    expect(k.connection().bootstrapServers).toBe('events-kafka-bootstrap.data.svc.corp.local:9092');
    const objs = Testing.synth(c);
    expect(only(objs, 'Kafka', 'events').metadata.namespace).toBe('data');
    expect(only(objs, 'Kafka').spec.entityOperator.userOperator).toEqual({ secretPrefix: 'kafka-' });
    expect(k.addUser('app').secretName).toBe('kafka-app');
  });

  test('without a namespace on the construct or its chart, synth fails naming the prop', () => {
    const c = new Chart(Testing.app(), 'no-ns');
    expect(() => new StrimziKafka(c, 'k')).toThrow(/StrimziKafka prop 'namespace': undefined is invalid/);
  });

  test('a failed validation emits nothing', () => {
    const c = chart();
    expect(() => new StrimziKafka(c, 'k', { version: '3.9.0' })).toThrow();
    expect(Testing.synth(c)).toEqual([]);
  });

  test('all failures are reported together', () => {
    const c = chart();
    let message = '';
    try {
      new StrimziKafka(c, 'k', { version: '3.9.0', userSecretPrefix: 'Bad_', config: { 'ssl.keystore.location': '/x' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^3 invalid props:/);
    expect(message).toContain("prop 'version'");
    expect(message).toContain("prop 'userSecretPrefix'");
    expect(message).toContain("prop 'config['ssl.keystore.location']'");
  });

  test('ephemeral and single-volume persistent storage render as such and validate against the CRD', async () => {
    const { objs } = cluster({
      nodePools: [
        { name: 'ctl', replicas: 1, roles: [StrimziNodeRole.CONTROLLER], storage: { type: StrimziStorageType.EPHEMERAL, sizeLimit: '1Gi' } },
        { name: 'brk', replicas: 1, roles: [StrimziNodeRole.BROKER], storage: { type: StrimziStorageType.PERSISTENT_CLAIM, size: '10Gi', storageClass: 'standard' } },
      ],
    });
    const pools = all(objs(), 'KafkaNodePool');
    expect(pools[0].spec.storage).toEqual({ type: 'ephemeral', sizeLimit: '1Gi' });
    expect(pools[1].spec.storage).toEqual({ type: 'persistent-claim', size: '10Gi', class: 'standard', deleteClaim: false });
    expect(schemaErrors(objs(), crds)).toEqual([]);
  });
});
