/** StrimziKafkaTopic and StrimziKafkaUser: emitted resources, credentials wiring, one test per rule, warnings. */
import { Chart, Testing } from 'cdk8s';
import { warningsOf } from '../../lib/common/validation';
import { KafkaAuthentication } from '../../lib/kafka';
import {
  StrimziAclEffect,
  StrimziAclOperation,
  StrimziAclPatternType,
  StrimziAclResourceType,
  StrimziAcls,
  StrimziAuthorizationType,
  StrimziKafkaTopic,
  StrimziKafkaUser,
  StrimziListenerAuthentication,
  StrimziListenerType,
  StrimziNodeRole,
  StrimziProfile,
  StrimziStorageType,
  StrimziUserAuthentication,
} from '../../lib/strimzi';
import { only } from '../util/synth';
import { cluster, expectFailure, schemaErrors, strimziCrdPaths } from './helpers';

let crds: string[];
beforeAll(async () => {
  crds = await strimziCrdPaths();
});

const production = () => cluster({ profile: StrimziProfile.PRODUCTION });
/** Production listeners plus an mTLS listener, so both user kinds have a listener. */
const mixed = () =>
  cluster({
    profile: StrimziProfile.PRODUCTION,
    listeners: [
      { name: 'tls', port: 9093, type: StrimziListenerType.INTERNAL, tls: true, authentication: StrimziListenerAuthentication.SCRAM_SHA_512 },
      { name: 'mtls', port: 9094, type: StrimziListenerType.INTERNAL, tls: true, authentication: StrimziListenerAuthentication.TLS },
    ],
  });

describe('StrimziKafkaTopic', () => {
  test('emits a KafkaTopic in the cluster namespace, labelled for the cluster, RF defaulting to min(3, brokers)', () => {
    const { kafka, objs } = production();
    const t = kafka.addTopic('orders', { topicName: 'orders', partitions: 6, config: { 'retention.ms': '86400000' } });
    expect(t.topicName).toBe('orders');
    expect(t.partitions).toBe(6);
    expect(t.replicationFactor).toBe(3);
    expect(t.cluster).toBe(kafka);
    const o = only(objs(), 'KafkaTopic');
    expect(o.metadata).toMatchObject({ name: 'orders', namespace: 'lab', labels: { 'strimzi.io/cluster': 'strimzi' } });
    expect(o.spec).toEqual({ partitions: 6, replicas: 3, config: { 'retention.ms': '86400000' } });
    expect(schemaErrors(objs(), crds)).toEqual([]);
  });

  test('a topic name that is not a resource name gets spec.topicName and a derived resource name', () => {
    const { kafka, objs } = production();
    const t = kafka.addTopic('t', { topicName: 'Orders_V2' });
    expect(t.resourceName).toMatch(/^orders-v2-[0-9a-f]{8}$/);
    const o = only(objs(), 'KafkaTopic');
    expect(o.metadata.name).toBe(t.resourceName);
    expect(o.spec.topicName).toBe('Orders_V2');
    expect(schemaErrors(objs(), crds)).toEqual([]);
  });

  test('resourceName overrides the resource name', () => {
    const { kafka, objs } = production();
    kafka.addTopic('t', { topicName: 'events', resourceName: 'strimzi-events' });
    const o = only(objs(), 'KafkaTopic');
    expect(o.metadata.name).toBe('strimzi-events');
    expect(o.spec.topicName).toBe('events');
  });

  test('constructed directly with a cluster in another chart, it still lands in the cluster namespace', () => {
    const { kafka } = production();
    const other = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
    new StrimziKafkaTopic(other, 'x', { cluster: kafka, topicName: 'x' });
    expect(only(Testing.synth(other), 'KafkaTopic').metadata.namespace).toBe('lab');
  });

  test('rule: partitions must be positive', () => {
    expectFailure(() => production().kafka.addTopic('t', { topicName: 't', partitions: 0 }), 'partitions', '0');
  });

  test('rule: topic name must be a legal Kafka topic name', () => {
    expectFailure(() => production().kafka.addTopic('t', { topicName: 'a b' }), 'topicName', "'a b'");
  });

  test('rule: replication factor must not exceed the broker count', () => {
    expectFailure(() => production().kafka.addTopic('t', { topicName: 't', replicationFactor: 4 }), 'replicationFactor', '4');
  });

  test('rule: topic config keys and values', () => {
    expectFailure(() => production().kafka.addTopic('t', { topicName: 't', config: { 'Retention MS': '1' } }), 'config', '"Retention MS"');
  });

  test('rule: topic min.insync.replicas must not exceed its replication factor', () => {
    expectFailure(() => production().kafka.addTopic('t', { topicName: 't', replicationFactor: 2, config: { 'min.insync.replicas': '3' } }), 'config.min.insync.replicas', "'3'");
  });

  test('rule: resourceName must be a Kubernetes name', () => {
    expectFailure(() => production().kafka.addTopic('t', { topicName: 't', resourceName: 'Not_Valid' }), 'resourceName', "'Not_Valid'");
  });

  test('rule: a topic name is declared once per cluster', () => {
    const { kafka } = production();
    kafka.addTopic('a', { topicName: 'dup' });
    const f = expectFailure(() => kafka.addTopic('b', { topicName: 'dup' }), 'topicName', "'dup'");
    expect(f.message).toContain('already declared by test/strimzi/a');
  });
});

describe('StrimziKafkaUser', () => {
  test('SCRAM user: KafkaUser, Secret and keys, username = KafkaUser name', () => {
    const { kafka, objs } = production();
    const u = kafka.addUser('app');
    expect(u.userName).toBe('app');
    expect(u.secretName).toBe('app');
    expect(u.principal).toBe('User:app');
    expect(u.cluster).toBe(kafka);
    expect(u.credentials).toEqual({
      username: 'app',
      authentication: KafkaAuthentication.SCRAM_SHA_512,
      passwordSecret: { secretName: 'app', key: 'password' },
    });
    expect(u.jaasConfigSecret).toEqual({ secretName: 'app', key: 'sasl.jaas.config' });
    expect(u.clientsCaSecret).toBeUndefined();
    const o = only(objs(), 'KafkaUser');
    expect(o.metadata).toMatchObject({ name: 'app', namespace: 'lab', labels: { 'strimzi.io/cluster': 'strimzi' } });
    expect(o.spec).toEqual({ authentication: { type: 'scram-sha-512' } });
    expect(schemaErrors(objs(), crds)).toEqual([]);
    expect(warningsOf(u)).toEqual([]);
  });

  test('TLS user: certificate and key from the user Secret; its ca.crt is the CLIENTS CA, the broker CA is the cluster CA', () => {
    const { kafka, objs } = mixed();
    const u = kafka.addUser('svc', { authentication: StrimziUserAuthentication.TLS, certificateValidityDays: 30, certificateRenewalDays: 7 });
    expect(u.principal).toBe('User:CN=svc');
    expect(u.credentials).toEqual({
      username: 'svc',
      authentication: KafkaAuthentication.MTLS,
      certificateSecret: { secretName: 'svc', key: 'user.crt' },
      keySecret: { secretName: 'svc', key: 'user.key' },
    });
    expect(u.clientsCaSecret).toEqual({ secretName: 'svc', key: 'ca.crt' });
    expect(kafka.connection('mtls').tlsCaSecret).toEqual({ secretName: 'strimzi-cluster-ca-cert', key: 'ca.crt' });
    expect(kafka.connection('mtls').tlsCaSecret).not.toEqual(u.clientsCaSecret);
    expect(u.pkcs12Secret).toEqual({ secretName: 'svc', key: 'user.p12' });
    expect(u.pkcs12PasswordSecret).toEqual({ secretName: 'svc', key: 'user.password' });
    expect(only(objs(), 'KafkaUser').spec.authentication).toEqual({ type: 'tls', validityDays: 30, renewalDays: 7 });
    expect(schemaErrors(objs(), crds)).toEqual([]);
  });

  test('ACLs, quotas and a bring-your-own password; grant helpers take topics by reference', () => {
    const { kafka, objs } = production();
    const topic = kafka.addTopic('dojo-test', { topicName: 'dojo-test', partitions: 3 });
    const u = kafka.addUser('consumer', {
      password: { secretName: 'consumer-password', key: 'pw' },
      quotas: { producerByteRate: 1048576, consumerByteRate: 2097152, requestPercentage: 150, controllerMutationRate: 0.5 },
      acls: [{ resourceType: StrimziAclResourceType.CLUSTER, operations: [StrimziAclOperation.DESCRIBE] }],
    });
    u.grantConsume(topic, 'dojo', StrimziAclPatternType.PREFIX);
    u.grantProduce(topic);
    u.grantLagRead(topic, 'keda');
    u.addAcls({ resourceType: StrimziAclResourceType.TOPIC, resourceName: 'secret', operations: [StrimziAclOperation.ALL], effect: StrimziAclEffect.DENY, host: '10.0.0.1' });
    const spec = only(objs(), 'KafkaUser').spec;
    expect(spec.authentication).toEqual({ type: 'scram-sha-512', password: { valueFrom: { secretKeyRef: { name: 'consumer-password', key: 'pw' } } } });
    expect(spec.quotas).toEqual({ producerByteRate: 1048576, consumerByteRate: 2097152, requestPercentage: 150, controllerMutationRate: 0.5 });
    expect(spec.authorization).toEqual({
      type: 'simple',
      acls: [
        { resource: { type: 'cluster' }, operations: ['Describe'] },
        { resource: { type: 'topic', name: 'dojo-test' }, operations: ['Describe', 'Read'] },
        { resource: { type: 'group', name: 'dojo', patternType: 'prefix' }, operations: ['Read'] },
        { resource: { type: 'topic', name: 'dojo-test' }, operations: ['Describe', 'Write'] },
        { resource: { type: 'topic', name: 'dojo-test' }, operations: ['Describe'] },
        { resource: { type: 'group', name: 'keda' }, operations: ['Describe'] },
        { type: 'deny', resource: { type: 'topic', name: 'secret' }, host: '10.0.0.1', operations: ['All'] },
      ],
    });
    expect(u.aclRules).toHaveLength(7);
    expect(schemaErrors(objs(), crds)).toEqual([]);
  });

  test('StrimziAcls helpers', () => {
    const { kafka } = production();
    const t = kafka.addTopic('t', { topicName: 't' });
    expect(StrimziAcls.consume(t, 'g')).toEqual([
      { resourceType: 'topic', resourceName: 't', operations: ['Describe', 'Read'] },
      { resourceType: 'group', resourceName: 'g', patternType: 'literal', operations: ['Read'] },
    ]);
    expect(StrimziAcls.produce(t)).toEqual([{ resourceType: 'topic', resourceName: 't', operations: ['Describe', 'Write'] }]);
    expect(StrimziAcls.lagReader(t, 'g').map((a) => a.operations)).toEqual([['Describe'], ['Describe']]);
  });

  test('secret prefix of the cluster is part of the Secret name', () => {
    const { kafka } = cluster({ profile: StrimziProfile.PRODUCTION, userSecretPrefix: 'kafka-' });
    const u = kafka.addUser('app');
    expect(u.secretName).toBe('kafka-app');
    expect(u.credentials.passwordSecret).toEqual({ secretName: 'kafka-app', key: 'password' });
  });

  test('constructed directly', () => {
    const { kafka, objs } = production();
    new StrimziKafkaUser(kafka, 'direct', { cluster: kafka, userName: 'other-name' });
    expect(only(objs(), 'KafkaUser').metadata.name).toBe('other-name');
  });

  test('rule: userName must be a Kubernetes name', () => {
    expectFailure(() => production().kafka.addUser('u', { userName: 'Bad_User' }), 'userName', "'Bad_User'");
  });

  test('rule: TLS user names are at most 64 characters (certificate CN)', () => {
    const name = 'u'.repeat(65);
    expectFailure(() => mixed().kafka.addUser('u', { userName: name, authentication: StrimziUserAuthentication.TLS }), 'userName', `'${name}'`);
  });

  test('rule: prefix + name must still be a valid Secret name', () => {
    const { kafka } = cluster({ profile: StrimziProfile.PRODUCTION, userSecretPrefix: 'p'.repeat(200) });
    const name = 'u'.repeat(60);
    expectFailure(() => kafka.addUser('u', { userName: name }), 'userName', `'${'p'.repeat(200)}${name}'`);
  });

  test('rule: authentication must be scram-sha-512 or tls', () => {
    expectFailure(() => production().kafka.addUser('u', { authentication: 'tls-external' as StrimziUserAuthentication }), 'authentication', "'tls-external'");
  });

  test('rule: no password for TLS users', () => {
    expectFailure(
      () => mixed().kafka.addUser('u', { authentication: StrimziUserAuthentication.TLS, password: { secretName: 's', key: 'k' } }),
      'password',
      '{"secretName":"s","key":"k"}',
    );
  });

  test('rule: a password reference names a Secret and a key', () => {
    expectFailure(() => production().kafka.addUser('u', { password: { secretName: 'S', key: '' } }), 'password', '{"secretName":"S","key":""}');
  });

  test('rule: certificate validity only for TLS users', () => {
    expectFailure(() => production().kafka.addUser('u', { certificateValidityDays: 30, certificateRenewalDays: 7 }), 'certificateValidityDays', '"certificateValidityDays":30');
  });

  test('rule: validity and renewal are set together', () => {
    expectFailure(() => mixed().kafka.addUser('u', { authentication: StrimziUserAuthentication.TLS, certificateValidityDays: 30 }), 'certificateValidityDays', '"certificateValidityDays":30');
  });

  test('rule: renewal is shorter than validity', () => {
    expectFailure(
      () => mixed().kafka.addUser('u', { authentication: StrimziUserAuthentication.TLS, certificateValidityDays: 30, certificateRenewalDays: 30 }),
      'certificateRenewalDays',
      '30',
    );
  });

  test.each([
    ['producerByteRate', -1],
    ['consumerByteRate', 1.5],
    ['requestPercentage', -5],
    ['controllerMutationRate', -0.1],
  ])('rule: quotas.%s %p is invalid', (key, value) => {
    expectFailure(() => production().kafka.addUser('u', { quotas: { [key]: value } }), `quotas.${key}`, String(value));
  });

  test('rule: ACL resource type must be known', () => {
    expectFailure(() => production().kafka.addUser('u', { acls: [{ resourceType: 'broker' as StrimziAclResourceType, resourceName: 'x', operations: [StrimziAclOperation.READ] }] }), 'acls[0].resourceType', "'broker'");
  });

  test('rule: topic, group and transactionalId ACLs need a resource name', () => {
    expectFailure(() => production().kafka.addUser('u', { acls: [{ resourceType: StrimziAclResourceType.GROUP, operations: [StrimziAclOperation.READ] }] }), 'acls[0].resourceName', 'undefined');
  });

  test('rule: cluster ACLs have no resource name', () => {
    expectFailure(
      () => production().kafka.addUser('u', { acls: [{ resourceType: StrimziAclResourceType.CLUSTER, resourceName: 'kafka-cluster', operations: [StrimziAclOperation.DESCRIBE] }] }),
      'acls[0].resourceName',
      "'kafka-cluster'",
    );
  });

  test.each([[[]], [[StrimziAclOperation.READ, StrimziAclOperation.READ]], [['Fly']]])('rule: ACL operations %j are invalid', (operations) => {
    expectFailure(
      () => production().kafka.addUser('u', { acls: [{ resourceType: StrimziAclResourceType.TOPIC, resourceName: 't', operations: operations as StrimziAclOperation[] }] }),
      'acls[0].operations',
      JSON.stringify(operations),
    );
  });

  test('rule: addAcls validates, numbering after the existing ACLs', () => {
    const u = production().kafka.addUser('u', { acls: [{ resourceType: StrimziAclResourceType.CLUSTER, operations: [StrimziAclOperation.DESCRIBE] }] });
    expectFailure(() => u.addAcls({ resourceType: StrimziAclResourceType.TOPIC, operations: [StrimziAclOperation.READ] }), 'acls[1].resourceName', 'undefined');
  });

  test('rule: grant helpers refuse a topic of another cluster', () => {
    const a = production();
    const b = cluster({ profile: StrimziProfile.PRODUCTION, name: 'other' });
    const foreign = b.kafka.addTopic('t', { topicName: 't' });
    const u = a.kafka.addUser('u');
    expect(() => u.grantConsume(foreign, 'g')).toThrow(/StrimziKafkaUser prop 'grantConsume\(topic\)': 't' is invalid; allowed: a topic of cluster 'strimzi' \(this topic is on 'other'\)/);
  });

  test('warning: ACLs on a cluster without authorization are not enforced', () => {
    const { kafka } = cluster();
    const u = kafka.addUser('u', { acls: [{ resourceType: StrimziAclResourceType.CLUSTER, operations: [StrimziAclOperation.DESCRIBE] }] });
    expect(warningsOf(u)).toEqual(expect.arrayContaining([expect.stringContaining('the ACLs are not enforced')]));
    const v = kafka.addUser('v');
    v.grantProduce(kafka.addTopic('t', { topicName: 't' }));
    expect(warningsOf(v)).toEqual(expect.arrayContaining([expect.stringContaining('the ACLs are not enforced')]));
  });

  test('warning: no listener accepts the user authentication', () => {
    const u = production().kafka.addUser('u', { authentication: StrimziUserAuthentication.TLS });
    expect(warningsOf(u)).toEqual([expect.stringContaining('no listener of cluster \'strimzi\' accepts tls')]);
  });

  test('no warning for a user on a cluster with simple authorization and a matching listener', () => {
    const { kafka } = cluster({
      authorization: { type: StrimziAuthorizationType.SIMPLE, superUsers: ['admin'] },
      nodePools: [{ name: 'dual', replicas: 1, roles: [StrimziNodeRole.BROKER, StrimziNodeRole.CONTROLLER], storage: { type: StrimziStorageType.EPHEMERAL } }],
      listeners: [{ name: 'scram', port: 9092, type: StrimziListenerType.INTERNAL, authentication: StrimziListenerAuthentication.SCRAM_SHA_512 }],
    });
    const u = kafka.addUser('u');
    u.grantProduce(kafka.addTopic('t', { topicName: 't' }));
    expect(warningsOf(kafka)).toEqual([]);
  });
});
