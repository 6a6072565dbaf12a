/** Pure model functions of the Strimzi constructs: no synth. */
import { AntiAffinity } from '../../lib/common/scheduling';
import { KafkaAuthentication } from '../../lib/kafka';
import {
  brokerNodeIdsOf,
  derivedObjectNames,
  forbiddenPrefixOf,
  listenerNodePorts,
  nodeIdRange,
  poolNodeIds,
  renderListener,
  renderNodePoolSpec,
  replicationSettings,
  resolveListener,
  resolveNodePool,
  resolveStrimziKafka,
  StrimziListenerAuthentication,
  StrimziListenerType,
  StrimziNodeRole,
  StrimziPresets,
  StrimziProfile,
  StrimziStorageType,
  StrimziVolumeType,
  toKafkaAuthentication,
  topicResourceName,
} from '../../lib/strimzi';

describe('replicationSettings', () => {
  test.each([
    [1, [1, 1, 1, 1, 1]],
    [2, [2, 2, 1, 2, 1]],
    [3, [3, 3, 2, 3, 2]],
    [5, [3, 3, 2, 3, 2]],
  ])('%i broker(s): offsets RF, txn RF, txn min ISR, default RF, min ISR = %j', (brokers, expected) => {
    const r = replicationSettings(brokers);
    expect([
      r['offsets.topic.replication.factor'],
      r['transaction.state.log.replication.factor'],
      r['transaction.state.log.min.isr'],
      r['default.replication.factor'],
      r['min.insync.replicas'],
    ]).toEqual(expected);
  });
});

describe('forbiddenPrefixOf', () => {
  test.each([
    ['listeners', 'listeners'],
    ['advertised.listeners', 'advertised.'],
    ['ssl.keystore.location', 'ssl.'],
    ['sasl.enabled.mechanisms', 'sasl.'],
    ['node.id', 'node.id'],
    ['process.roles', 'process.roles'],
    ['controller.listener.names', 'controller.'],
    ['authorizer.class.name', 'authorizer.'],
    ['log.dirs', 'log.dir'],
    ['metadata.log.dir', 'metadata.log.dir'],
  ])('%s is owned by the operator (prefix %s)', (key, prefix) => expect(forbiddenPrefixOf(key)).toBe(prefix));

  test.each(['ssl.cipher.suites', 'ssl.protocol', 'ssl.enabled.protocols', 'controller.quorum.election.timeout.ms', 'broker.session.timeout.ms', 'sasl.server.max.receive.size'])(
    'exception %s is allowed',
    (key) => expect(forbiddenPrefixOf(key)).toBeUndefined(),
  );

  test.each(['num.partitions', 'log.retention.hours', 'auto.create.topics.enable', 'min.insync.replicas'])('ordinary key %s is allowed', (key) =>
    expect(forbiddenPrefixOf(key)).toBeUndefined(),
  );
});

describe('node pools', () => {
  const pool = (name: string, replicas: number, roles: StrimziNodeRole[], index: number, firstNodeId?: number) =>
    resolveNodePool({ name, replicas, roles, storage: { type: StrimziStorageType.EPHEMERAL }, firstNodeId }, index, AntiAffinity.SOFT);

  test('default node-ID ranges are 100 wide, by position', () => {
    const a = pool('a', 2, [StrimziNodeRole.BROKER], 0);
    const b = pool('b', 3, [StrimziNodeRole.CONTROLLER], 1);
    expect(nodeIdRange(a)).toBe('[0-99]');
    expect(nodeIdRange(b)).toBe('[100-199]');
    expect(poolNodeIds(a)).toEqual([0, 1]);
    expect(poolNodeIds(b)).toEqual([100, 101, 102]);
  });

  test('broker node IDs come only from broker-role pools, ascending', () => {
    const pools = [pool('ctl', 3, [StrimziNodeRole.CONTROLLER], 0), pool('b2', 2, [StrimziNodeRole.BROKER], 1, 500), pool('b1', 1, [StrimziNodeRole.BROKER, StrimziNodeRole.CONTROLLER], 2)];
    expect(brokerNodeIdsOf(pools)).toEqual([200, 500, 501]);
  });

  test('storage renders JBOD volumes sorted by id, claims kept by default, one marked for KRaft metadata', () => {
    const p = resolveNodePool(
      {
        name: 'broker',
        replicas: 1,
        roles: [StrimziNodeRole.BROKER],
        storage: {
          type: StrimziStorageType.JBOD,
          volumes: [
            { id: 1, size: '50Gi', storageClass: 'fast' },
            { id: 0, size: '10Gi', kraftMetadata: true },
            { id: 2, type: StrimziVolumeType.EPHEMERAL, sizeLimit: '1Gi' },
          ],
        },
      },
      0,
      AntiAffinity.HARD,
    );
    const spec = renderNodePoolSpec('k', p);
    expect(spec.storage).toEqual({
      type: 'jbod',
      volumes: [
        { id: 0, type: 'persistent-claim', size: '10Gi', class: undefined, deleteClaim: false, kraftMetadata: 'shared' },
        { id: 1, type: 'persistent-claim', size: '50Gi', class: 'fast', deleteClaim: false, kraftMetadata: undefined },
        { id: 2, type: 'ephemeral', sizeLimit: '1Gi', kraftMetadata: undefined },
      ],
    });
    expect(spec.template?.pod?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]).toEqual({
      labelSelector: { matchLabels: { 'strimzi.io/cluster': 'k', 'strimzi.io/pool-name': 'broker' } },
      topologyKey: 'kubernetes.io/hostname',
    });
  });

  test('no anti-affinity renders no affinity', () => {
    const p = resolveNodePool({ name: 'x', replicas: 1, roles: [StrimziNodeRole.BROKER], storage: { type: StrimziStorageType.EPHEMERAL } }, 0, AntiAffinity.NONE);
    const spec = renderNodePoolSpec('k', p);
    expect(spec.template?.pod?.affinity).toBeUndefined();
    expect(spec.template?.pod?.topologySpreadConstraints).toBeUndefined();
  });
});

describe('listeners', () => {
  const external = resolveListener({
    name: 'external',
    port: 9094,
    type: StrimziListenerType.NODEPORT,
    tls: true,
    authentication: StrimziListenerAuthentication.SCRAM_SHA_512,
    pinnedNodePorts: { bootstrap: 32100, firstBroker: 32101 },
  });

  test('pinned node ports: bootstrap, then one per broker by ascending node ID', () => {
    expect(listenerNodePorts(external, [102, 100, 101])).toEqual({ bootstrap: 32100, brokers: { 100: 32101, 101: 32102, 102: 32103 } });
  });

  test('explicit per-broker node ports are read from configuration', () => {
    const l = resolveListener({
      name: 'ext',
      port: 9095,
      type: StrimziListenerType.NODEPORT,
      configuration: { bootstrap: { nodePort: 31000 }, brokers: [{ broker: 0, nodePort: 31001 }, { broker: 1, advertisedHost: 'b1.example.com' }] },
    });
    expect(listenerNodePorts(l, [0, 1])).toEqual({ bootstrap: 31000, brokers: { 0: 31001 } });
  });

  test('renderListener expands pinned ports and maps authentication', () => {
    expect(renderListener(external, [0, 1, 2])).toEqual({
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
    });
  });

  test('renderListener: plain internal listener has no authentication and no configuration; tls defaults to false', () => {
    expect(renderListener(resolveListener({ name: 'plain', port: 9092, type: StrimziListenerType.INTERNAL }), [0])).toEqual({
      name: 'plain',
      port: 9092,
      type: 'internal',
      tls: false,
      authentication: undefined,
      configuration: undefined,
    });
  });

  test('renderListener: custom certificate keeps only the CRD fields (not the CA key) and className becomes class', () => {
    const l = resolveListener({
      name: 'lb',
      port: 9096,
      type: StrimziListenerType.LOADBALANCER,
      tls: true,
      configuration: { className: 'metallb', brokerCertificate: { secretName: 'kafka-tls', certificate: 'tls.crt', key: 'tls.key', caCertificate: 'ca.crt' } },
    });
    expect(renderListener(l, [0]).configuration).toEqual({ class: 'metallb', brokerCertChainAndKey: { secretName: 'kafka-tls', certificate: 'tls.crt', key: 'tls.key' } });
  });

  test.each([
    [StrimziListenerAuthentication.NONE, KafkaAuthentication.NONE],
    [StrimziListenerAuthentication.SCRAM_SHA_512, KafkaAuthentication.SCRAM_SHA_512],
    [StrimziListenerAuthentication.TLS, KafkaAuthentication.MTLS],
  ])('authentication %s maps to %s', (a, k) => expect(toKafkaAuthentication(a)).toBe(k));
});

describe('topicResourceName', () => {
  test('a valid resource name is used as is', () => expect(topicResourceName('dojo-test')).toBe('dojo-test'));
  test('dots are fine in resource names', () => expect(topicResourceName('orders.v1')).toBe('orders.v1'));
  test('underscores and uppercase get a sanitised name with a stable hash', () => {
    const a = topicResourceName('Orders_V2');
    expect(a).toMatch(/^orders-v2-[0-9a-f]{8}$/);
    expect(topicResourceName('Orders_V2')).toBe(a);
    expect(topicResourceName('orders_v2')).not.toBe(a);
  });
  test('a name with nothing usable still yields a valid name', () => expect(topicResourceName('__')).toMatch(/^topic-[0-9a-f]{8}$/));
});

describe('resolveStrimziKafka', () => {
  test('lab profile: pinned versions, lab listeners and pool, replication for 1 broker, no authorization', () => {
    const s = resolveStrimziKafka('k', 'lab', {});
    expect(s.version).toBe('4.3.1');
    expect(s.metadataVersion).toBe('4.3-IV0');
    expect(s.listeners.map((l) => l.name)).toEqual(['plain', 'tls']);
    expect(s.nodePools.map((p) => p.name)).toEqual(['dual-role']);
    expect(s.brokerCount).toBe(1);
    expect(s.controllerCount).toBe(1);
    expect(s.config['default.replication.factor']).toBe(1);
    expect(s.authorization.type).toBe('none');
    expect(s.defaultListener).toBe('plain');
  });

  test('a non-default version leaves metadataVersion to the operator', () => {
    expect(resolveStrimziKafka('k', 'lab', { version: '4.2.1' }).metadataVersion).toBeUndefined();
  });

  test('user config wins over derived and profile config; only user keys are checked for forbidden prefixes', () => {
    const s = resolveStrimziKafka('k', 'lab', { profile: StrimziProfile.PRODUCTION, config: { 'min.insync.replicas': '3', 'auto.create.topics.enable': 'true' } });
    expect(s.config['min.insync.replicas']).toBe('3');
    expect(s.config['auto.create.topics.enable']).toBe('true');
    expect(s.config['default.replication.factor']).toBe(3);
    expect(s.userConfigKeys).toEqual(['min.insync.replicas', 'auto.create.topics.enable']);
  });

  test('cluster-level anti-affinity is the default of pools without their own', () => {
    const s = resolveStrimziKafka('k', 'lab', {
      antiAffinity: AntiAffinity.NONE,
      nodePools: [
        { name: 'a', replicas: 1, roles: [StrimziNodeRole.BROKER, StrimziNodeRole.CONTROLLER], storage: { type: StrimziStorageType.EPHEMERAL } },
        { name: 'b', replicas: 1, roles: [StrimziNodeRole.BROKER], storage: { type: StrimziStorageType.EPHEMERAL }, antiAffinity: AntiAffinity.HARD },
      ],
    });
    expect(s.nodePools.map((p) => p.antiAffinity)).toEqual([AntiAffinity.NONE, AntiAffinity.HARD]);
  });

  test('derived object names include external bootstrap and per-broker Services', () => {
    const s = resolveStrimziKafka('k', 'lab', { profile: StrimziProfile.PRODUCTION });
    expect(derivedObjectNames(s)).toEqual(
      expect.arrayContaining(['k-kafka-bootstrap', 'k-kafka-brokers', 'k-cluster-ca-cert', 'k-kafka-external-bootstrap', 'k-broker-external-0', 'k-broker-external-2']),
    );
    expect(derivedObjectNames(s)).not.toContain('k-kafka-tls-bootstrap');
  });

  test('presets are fresh copies (mutating one does not leak into the next)', () => {
    const a = StrimziPresets.labListeners() as any[];
    a.push({ name: 'x' });
    expect(StrimziPresets.labListeners()).toHaveLength(2);
  });
});
