/**
 * One test per validation rule of StrimziKafka: each asserts the failure names the prop and shows the offending
 * value. Props start from a valid cluster and change one thing.
 */
import { warningsOf } from '../../lib/common/validation';
import {
  LISTENER_CONFIGURATION_KEY_RULES,
  StrimziAuthorizationType,
  StrimziExternalTrafficPolicy,
  StrimziKafka,
  StrimziKafkaProps,
  StrimziListenerAuthentication,
  StrimziListenerConfiguration,
  StrimziListenerProps,
  StrimziListenerType,
  StrimziNodeAddressType,
  StrimziNodePoolProps,
  StrimziNodeRole,
  StrimziPinnedNodePorts,
  StrimziProfile,
  StrimziStorage,
  StrimziStorageType,
  StrimziVolumeType,
} from '../../lib/strimzi';
import { chart, expectFailure } from './helpers';

const make = (props: StrimziKafkaProps, id = 'k') => () => new StrimziKafka(chart(), id, props);

const internal = (name: string, port: number, extra: Partial<StrimziListenerProps> = {}): StrimziListenerProps => ({ name, port, type: StrimziListenerType.INTERNAL, ...extra });
const withListener = (l: StrimziListenerProps) => make({ listeners: [internal('plain', 9092), l] });
const dual = (extra: Partial<StrimziNodePoolProps> = {}): StrimziNodePoolProps => ({
  name: 'dual',
  replicas: 1,
  roles: [StrimziNodeRole.CONTROLLER, StrimziNodeRole.BROKER],
  storage: { type: StrimziStorageType.EPHEMERAL },
  ...extra,
});
const withPool = (p: Partial<StrimziNodePoolProps>) => make({ nodePools: [dual(p)] });
const withStorage = (storage: StrimziStorage) => withPool({ storage });
/** 3 brokers (IDs 0-2) plus 3 controllers, so replication and per-broker rules have room. */
const threeBrokers: StrimziNodePoolProps[] = [
  { name: 'broker', replicas: 3, roles: [StrimziNodeRole.BROKER], storage: { type: StrimziStorageType.EPHEMERAL } },
  { name: 'controller', replicas: 3, roles: [StrimziNodeRole.CONTROLLER], storage: { type: StrimziStorageType.EPHEMERAL } },
];

describe('cluster rules', () => {
  test('name must be a DNS-1035 label', () => {
    expectFailure(make({ name: '1kafka' }), 'name', "'1kafka'");
  });

  test('name must keep every generated object name within 63 characters', () => {
    const name = 'a'.repeat(50);
    expectFailure(make({ name }), 'name', `${name}-kafka-bootstrap`);
  });

  test('namespace must be a DNS label', () => {
    expectFailure(make({ namespace: 'Lab' }), 'namespace', "'Lab'");
  });

  test('version must be one Strimzi 1.2.0 runs', () => {
    const f = expectFailure(make({ version: '3.9.0' }), 'version', "'3.9.0'");
    expect(f.message).toContain('4.2.0, 4.2.1, 4.3.0, 4.3.1');
  });

  test('metadataVersion must look like 4.3-IV0', () => {
    expectFailure(make({ metadataVersion: '4.3' }), 'metadataVersion', "'4.3'");
  });

  test('metadataVersion must not be newer than the Kafka version', () => {
    expectFailure(make({ version: '4.2.1', metadataVersion: '4.3-IV0' }), 'metadataVersion', "'4.3-IV0'");
  });

  test('defaultListener must name an internal or cluster-ip listener', () => {
    expectFailure(make({ defaultListener: 'nope' }), 'defaultListener', "'nope'");
    expectFailure(make({ profile: StrimziProfile.PRODUCTION, defaultListener: 'external' }), 'defaultListener', "'external'");
  });

  test('a cluster needs an in-cluster listener for connection() (defaultListener has nothing to point at)', () => {
    const f = expectFailure(make({ listeners: [{ name: 'ext', port: 9094, type: StrimziListenerType.NODEPORT }] }), 'defaultListener', 'undefined');
    expect(f.message).toContain('none defined: add an internal listener');
  });

  test('userSecretPrefix must make valid Secret names', () => {
    expectFailure(make({ userSecretPrefix: 'Bad_' }), 'userSecretPrefix', "'Bad_'");
  });

  test('superUsers must be non-empty principal names', () => {
    expectFailure(make({ authorization: { type: StrimziAuthorizationType.SIMPLE, superUsers: ['admin', ' '] } }), 'authorization.superUsers', '["admin"," "]');
  });

  test('superUsers need simple authorization', () => {
    expectFailure(make({ authorization: { type: StrimziAuthorizationType.NONE, superUsers: ['admin'] } }), 'authorization.superUsers', '["admin"]');
  });

  test('clusterDomain must be a DNS domain without trailing dot', () => {
    expectFailure(make({ clusterDomain: 'cluster.local.' }), 'clusterDomain', "'cluster.local.'");
  });
});

describe('listener rules (ListenersValidator port)', () => {
  test('at least one listener', () => {
    expectFailure(make({ listeners: [] }), 'listeners', '0');
  });

  test('listener names are unique', () => {
    expectFailure(make({ listeners: [internal('plain', 9092), internal('plain', 9093)] }), 'listeners[].name', '["plain"]');
  });

  test('listener ports are unique', () => {
    expectFailure(make({ listeners: [internal('a', 9092), internal('b', 9092)] }), 'listeners[].port', '[9092]');
  });

  test('node ports are unique across listeners and brokers', () => {
    const np = (name: string, port: number, pinned: StrimziPinnedNodePorts): StrimziListenerProps => ({ name, port, type: StrimziListenerType.NODEPORT, pinnedNodePorts: pinned });
    expectFailure(
      make({ nodePools: threeBrokers, listeners: [internal('plain', 9092), np('ext1', 9094, { bootstrap: 32100, firstBroker: 32101 }), np('ext2', 9095, { bootstrap: 32103, firstBroker: 32200 })] }),
      'listeners[].nodePort',
      '[32103]',
    );
  });

  test.each(['external-1', 'Plain', 'waytoolongname', ''])('listener name %j must match ^[a-z0-9]{1,11}$', (name) => {
    expectFailure(withListener(internal(name, 9093)), 'listeners[1].name', `'${name}'`);
  });

  test.each([9091, 9404, 9999, 70000])('port %i is not allowed', (port) => {
    expectFailure(withListener(internal('other', port)), 'listeners[1].port', String(port));
  });

  test.each([StrimziListenerType.ROUTE, StrimziListenerType.INGRESS])('%s listeners require TLS', (type) => {
    expectFailure(withListener({ name: 'ext', port: 9094, type, tls: false }), 'listeners[1].tls', 'false');
  });

  test('tls authentication requires a TLS listener', () => {
    expectFailure(withListener(internal('mtls', 9093, { tls: false, authentication: StrimziListenerAuthentication.TLS })), 'listeners[1].authentication', "'tls'");
  });

  test('scram-sha-512 on a plaintext listener is fine (SASL_PLAINTEXT)', () => {
    expect(() => withListener(internal('scram', 9093, { authentication: StrimziListenerAuthentication.SCRAM_SHA_512 }))()).not.toThrow();
  });

  test('a custom broker certificate requires a TLS listener', () => {
    expectFailure(
      withListener(internal('custom', 9093, { configuration: { brokerCertificate: { secretName: 'my-cert', certificate: 'tls.crt', key: 'tls.key' } } })),
      'listeners[1].configuration.brokerCertificate',
      "'my-cert'",
    );
  });

  test('a custom broker certificate needs secretName, certificate and key', () => {
    expectFailure(
      withListener(internal('custom', 9093, { tls: true, configuration: { brokerCertificate: { secretName: 'my-cert', certificate: '', key: 'tls.key' } } })),
      'listeners[1].configuration.brokerCertificate',
      '"certificate":""',
    );
  });

  /** A sample value per configuration key, and a listener type that does not accept it. */
  const SAMPLES: { [key: string]: { value: Partial<StrimziListenerConfiguration> | { pinnedNodePorts: StrimziPinnedNodePorts }; shown: string } } = {
    'useServiceDnsDomain': { value: { useServiceDnsDomain: true }, shown: 'true' },
    'className': { value: { className: 'nginx' }, shown: "'nginx'" },
    'externalTrafficPolicy': { value: { externalTrafficPolicy: StrimziExternalTrafficPolicy.LOCAL }, shown: "'Local'" },
    'loadBalancerSourceRanges': { value: { loadBalancerSourceRanges: ['10.0.0.0/8'] }, shown: '["10.0.0.0/8"]' },
    'allocateLoadBalancerNodePorts': { value: { allocateLoadBalancerNodePorts: false }, shown: 'false' },
    'finalizers': { value: { finalizers: ['service.kubernetes.io/load-balancer-cleanup'] }, shown: 'load-balancer-cleanup' },
    'preferredNodePortAddressType': { value: { preferredNodePortAddressType: StrimziNodeAddressType.INTERNAL_IP }, shown: "'InternalIP'" },
    'publishNotReadyAddresses': { value: { publishNotReadyAddresses: true }, shown: 'true' },
    'createBootstrapService': { value: { createBootstrapService: false }, shown: 'false' },
    'hostTemplate': { value: { hostTemplate: 'broker-{nodeId}.example.com' }, shown: "'broker-{nodeId}.example.com'" },
    'bootstrap.host': { value: { bootstrap: { host: 'kafka.example.com' } }, shown: "'kafka.example.com'" },
    'bootstrap.loadBalancerIp': { value: { bootstrap: { loadBalancerIp: '10.1.2.3' } }, shown: "'10.1.2.3'" },
    'bootstrap.nodePort': { value: { bootstrap: { nodePort: 31000 } }, shown: '31000' },
    'bootstrap.labels': { value: { bootstrap: { labels: { team: 'data' } } }, shown: '{"team":"data"}' },
    'bootstrap.annotations': { value: { bootstrap: { annotations: { 'dns/name': 'kafka' } } }, shown: '{"dns/name":"kafka"}' },
    'brokers[].host': { value: { brokers: [{ broker: 0, host: 'b0.example.com' }] }, shown: "'b0.example.com'" },
    'brokers[].loadBalancerIp': { value: { brokers: [{ broker: 0, loadBalancerIp: '10.1.2.4' }] }, shown: "'10.1.2.4'" },
    'brokers[].nodePort': { value: { brokers: [{ broker: 0, nodePort: 31001 }] }, shown: '31001' },
    'brokers[].labels': { value: { brokers: [{ broker: 0, labels: { team: 'data' } }] }, shown: '{"team":"data"}' },
    'brokers[].annotations': { value: { brokers: [{ broker: 0, annotations: { a: 'b' } }] }, shown: '{"a":"b"}' },
    'pinnedNodePorts': { value: { pinnedNodePorts: { bootstrap: 32100, firstBroker: 32101 } }, shown: '{"bootstrap":32100,"firstBroker":32101}' },
  };

  test('every configuration key rule has a sample here', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(LISTENER_CONFIGURATION_KEY_RULES.map((r) => r.key).sort());
  });

  describe.each(LISTENER_CONFIGURATION_KEY_RULES.map((r) => [r.key, r] as const))('configuration key %s', (key, rule) => {
    const sample = SAMPLES[key];
    const path = (key === 'pinnedNodePorts' ? 'pinnedNodePorts' : `configuration.${key.replace('[]', '[0]')}`);
    const listenerWith = (type: StrimziListenerType): StrimziListenerProps => {
      const tls = type === StrimziListenerType.ROUTE || type === StrimziListenerType.INGRESS;
      const v = sample.value as any;
      return v.pinnedNodePorts
        ? { name: 'ext', port: 9094, type, tls, pinnedNodePorts: v.pinnedNodePorts }
        : { name: 'ext', port: 9094, type, tls, configuration: v };
    };
    const rejected = Object.values(StrimziListenerType).filter((t) => !rule.types.includes(t));

    test.each(rejected)(`is rejected on %s listeners`, (type) => {
      const f = expectFailure(withListener(listenerWith(type)), `listeners[1].${path}`, sample.shown);
      expect(f.message).toContain(`listener 'ext' is '${type}'`);
    });

    test(`is accepted on ${rule.types.join(', ')} listeners (as far as this rule goes)`, () => {
      for (const type of rule.types) {
        let failures: string[] = [];
        try {
          withListener(listenerWith(type))();
        } catch (e: any) {
          failures = (e.failures ?? []).map((f: any) => f.prop);
        }
        expect(failures).not.toContain(`listeners[1].${path}`);
      }
    });
  });

  test('pinnedNodePorts must stay within 30000-32767 for every broker', () => {
    expectFailure(
      make({ nodePools: threeBrokers, listeners: [{ name: 'ext', port: 9094, type: StrimziListenerType.NODEPORT, pinnedNodePorts: { bootstrap: 32100, firstBroker: 32766 } }] , defaultListener: undefined }),
      'listeners[0].pinnedNodePorts',
      '"firstBroker":32766',
    );
  });

  test('pinnedNodePorts and explicit node ports are exclusive', () => {
    expectFailure(
      withListener({ name: 'ext', port: 9094, type: StrimziListenerType.NODEPORT, pinnedNodePorts: { bootstrap: 32100, firstBroker: 32101 }, configuration: { bootstrap: { nodePort: 32000 } } }),
      'listeners[1].pinnedNodePorts',
      '"bootstrap":32100',
    );
  });

  test('bootstrap.nodePort must be a node port', () => {
    expectFailure(withListener({ name: 'ext', port: 9094, type: StrimziListenerType.NODEPORT, configuration: { bootstrap: { nodePort: 9094 } } }), 'listeners[1].configuration.bootstrap.nodePort', '9094');
  });

  test('brokers[].nodePort must be a node port', () => {
    expectFailure(
      withListener({ name: 'ext', port: 9094, type: StrimziListenerType.NODEPORT, configuration: { brokers: [{ broker: 0, nodePort: 40000 }] } }),
      'listeners[1].configuration.brokers[0].nodePort',
      '40000',
    );
  });

  test('brokers[].advertisedPort must be a port', () => {
    expectFailure(
      withListener({ name: 'ext', port: 9094, type: StrimziListenerType.NODEPORT, configuration: { brokers: [{ broker: 0, advertisedPort: 0 }] } }),
      'listeners[1].configuration.brokers[0].advertisedPort',
      '0',
    );
  });

  test('a broker appears at most once per listener', () => {
    expectFailure(
      withListener({ name: 'ext', port: 9094, type: StrimziListenerType.NODEPORT, configuration: { brokers: [{ broker: 0, advertisedHost: 'a' }, { broker: 0, advertisedHost: 'b' }] } }),
      'listeners[1].configuration.brokers[].broker',
      '[0]',
    );
  });

  test('ingress listeners need a bootstrap host', () => {
    expectFailure(
      withListener({ name: 'ing', port: 9094, type: StrimziListenerType.INGRESS, tls: true, configuration: { brokers: [{ broker: 0, host: 'b0.example.com' }] } }),
      'listeners[1].configuration.bootstrap.host',
      'undefined',
    );
  });

  test('ingress listeners need a host for every broker (or a hostTemplate)', () => {
    const ingress = (configuration: StrimziListenerConfiguration): StrimziListenerProps => ({ name: 'ing', port: 9094, type: StrimziListenerType.INGRESS, tls: true, configuration });
    expectFailure(
      make({ nodePools: threeBrokers, listeners: [internal('plain', 9092), ingress({ bootstrap: { host: 'k.example.com' }, brokers: [{ broker: 0, host: 'b0.example.com' }] })] }),
      'listeners[1].configuration.brokers',
      '[1,2]',
    );
    expect(() => make({ nodePools: threeBrokers, listeners: [internal('plain', 9092), ingress({ bootstrap: { host: 'k.example.com' }, hostTemplate: 'b{nodeId}.example.com' })] })()).not.toThrow();
  });

  test('per-broker settings for a node ID that is not a broker only warn (as the operator does)', () => {
    const k = withListener({ name: 'ext', port: 9094, type: StrimziListenerType.NODEPORT, configuration: { brokers: [{ broker: 7, advertisedHost: 'x' }] } })();
    expect(warningsOf(k)).toEqual([expect.stringContaining("listener 'ext' configures brokers 7 that are not broker node IDs (0)")]);
  });
});

describe('node pool rules', () => {
  test('at least one pool', () => {
    expectFailure(make({ nodePools: [] }), 'nodePools', '0');
  });

  test('pool names are unique', () => {
    expectFailure(make({ nodePools: [dual(), dual({ firstNodeId: 100 })] }), 'nodePools[].name', '["dual"]');
  });

  test('some pool must have the controller role', () => {
    const f = expectFailure(make({ nodePools: [dual({ roles: [StrimziNodeRole.BROKER] })] }), 'nodePools[].roles', '0');
    expect(f.message).toContain('controller role');
  });

  test('some pool must have the broker role', () => {
    const f = expectFailure(make({ nodePools: [dual({ roles: [StrimziNodeRole.CONTROLLER] })] }), 'nodePools[].roles', '0');
    expect(f.message).toContain('broker role');
  });

  test('a role held only by a pool with 0 replicas does not count', () => {
    const f = expectFailure(make({ nodePools: [dual({ roles: [StrimziNodeRole.CONTROLLER] }), dual({ name: 'brokers', replicas: 0, roles: [StrimziNodeRole.BROKER], firstNodeId: 100 })] }), 'nodePools[].roles', '0');
    expect(f.message).toContain('broker role');
  });

  test('node-ID ranges must not overlap', () => {
    expectFailure(make({ nodePools: [dual(), dual({ name: 'more', roles: [StrimziNodeRole.BROKER], firstNodeId: 50 })] }), 'nodePools[].firstNodeId', '["dual/more"]');
  });

  test('pool name must be a DNS label', () => {
    expectFailure(withPool({ name: 'Dual_Role' }), 'nodePools[0].name', "'Dual_Role'");
  });

  test('cluster and pool names must keep pod names within 63 characters', () => {
    const name = 'p'.repeat(60);
    expectFailure(withPool({ name }), 'nodePools[0].name', `'k-${name}-99'`);
  });

  test.each([-1, 1.5, 101])('replicas %p is invalid', (replicas) => {
    expectFailure(withPool({ replicas }), 'nodePools[0].replicas', String(replicas));
  });

  test.each([[[]], [[StrimziNodeRole.BROKER, StrimziNodeRole.BROKER]]])('roles %j are invalid', (roles) => {
    expectFailure(withPool({ roles: roles as StrimziNodeRole[] }), 'nodePools[0].roles', JSON.stringify(roles));
  });

  test('firstNodeId must be a whole number >= 0', () => {
    expectFailure(withPool({ firstNodeId: -5 }), 'nodePools[0].firstNodeId', '-5');
  });

  test('storage type must be known', () => {
    expectFailure(withStorage({ type: 'nfs' as StrimziStorageType }), 'nodePools[0].storage.type', "'nfs'");
  });

  test('persistent-claim storage needs a size', () => {
    expectFailure(withStorage({ type: StrimziStorageType.PERSISTENT_CLAIM }), 'nodePools[0].storage.size', 'undefined');
    expectFailure(withStorage({ type: StrimziStorageType.PERSISTENT_CLAIM, size: '100GB' }), 'nodePools[0].storage.size', "'100GB'");
  });

  test('ephemeral sizeLimit must be a quantity', () => {
    expectFailure(withStorage({ type: StrimziStorageType.EPHEMERAL, sizeLimit: 'lots' }), 'nodePools[0].storage.sizeLimit', "'lots'");
  });

  test('jbod storage needs volumes', () => {
    expectFailure(withStorage({ type: StrimziStorageType.JBOD, volumes: [] }), 'nodePools[0].storage.volumes', '0');
  });

  test('jbod volume IDs are unique', () => {
    expectFailure(withStorage({ type: StrimziStorageType.JBOD, volumes: [{ id: 0, size: '1Gi' }, { id: 0, size: '2Gi' }] }), 'nodePools[0].storage.volumes[].id', '[0]');
  });

  test('at most one volume holds the KRaft metadata', () => {
    expectFailure(
      withStorage({ type: StrimziStorageType.JBOD, volumes: [{ id: 0, size: '1Gi', kraftMetadata: true }, { id: 1, size: '1Gi', kraftMetadata: true }] }),
      'nodePools[0].storage.volumes[].kraftMetadata',
      '[0,1]',
    );
  });

  test('volume IDs are whole numbers >= 0', () => {
    expectFailure(withStorage({ type: StrimziStorageType.JBOD, volumes: [{ id: -1, size: '1Gi' }] }), 'nodePools[0].storage.volumes[0].id', '-1');
  });

  test('persistent-claim volumes need a size', () => {
    expectFailure(withStorage({ type: StrimziStorageType.JBOD, volumes: [{ id: 0 }] }), 'nodePools[0].storage.volumes[0].size', 'undefined');
  });

  test('ephemeral volume sizeLimit must be a quantity', () => {
    expectFailure(withStorage({ type: StrimziStorageType.JBOD, volumes: [{ id: 0, type: StrimziVolumeType.EPHEMERAL, sizeLimit: '1 Gi' }] }), 'nodePools[0].storage.volumes[0].sizeLimit', "'1 Gi'");
  });

  test('volumes only with jbod storage', () => {
    expectFailure(withStorage({ type: StrimziStorageType.PERSISTENT_CLAIM, size: '1Gi', volumes: [{ id: 0, size: '1Gi' }] }), 'nodePools[0].storage.volumes', '"id":0');
  });

  test.each([
    ['cpuRequest', { cpuRequest: '1Gi' }, "'1Gi'"],
    ['cpuLimit', { cpuLimit: 'two' }, "'two'"],
    ['memoryRequest', { memoryRequest: '500m' }, "'500m'"],
    ['memoryLimit', { memoryLimit: '2 Gi' }, "'2 Gi'"],
  ])('resources.%s must be a valid quantity', (key, resources, shown) => {
    expectFailure(withPool({ resources }), `nodePools[0].resources.${key}`, shown);
  });

  test('memoryRequest must not exceed memoryLimit', () => {
    expectFailure(withPool({ resources: { memoryRequest: '2Gi', memoryLimit: '1Gi' } }), 'nodePools[0].resources.memoryRequest', "'2Gi'");
  });

  test('cpuRequest must not exceed cpuLimit', () => {
    expectFailure(withPool({ resources: { cpuRequest: '2', cpuLimit: '500m' } }), 'nodePools[0].resources.cpuRequest', "'2'");
  });
});

describe('broker config rules', () => {
  test.each(['ssl.keystore.location', 'listeners', 'advertised.listeners', 'node.id', 'process.roles', 'controller.listener.names', 'authorizer.class.name', 'log.dirs'])(
    'operator-managed key %s is rejected',
    (key) => {
      const f = expectFailure(make({ config: { [key]: 'x' } }), `config['${key}']`, `'${key}'`);
      expect(f.message).toContain('falls under');
    },
  );

  test('an exception under a forbidden prefix is accepted', () => {
    expect(() => make({ config: { 'ssl.cipher.suites': 'TLS_AES_256_GCM_SHA384' } })()).not.toThrow();
  });

  test.each(['default.replication.factor', 'offsets.topic.replication.factor', 'transaction.state.log.replication.factor'])('%s must be 1..brokers', (key) => {
    const f = expectFailure(make({ config: { [key]: '3' } }), `config['${key}']`, "'3'");
    expect(f.message).toContain('broker count (1)');
  });

  test('min.insync.replicas must not exceed default.replication.factor', () => {
    expectFailure(make({ nodePools: threeBrokers, config: { 'default.replication.factor': '2', 'min.insync.replicas': '3' } }), "config['min.insync.replicas']", "'3'");
  });

  test('transaction.state.log.min.isr must not exceed its replication factor', () => {
    expectFailure(
      make({ nodePools: threeBrokers, config: { 'transaction.state.log.replication.factor': '2', 'transaction.state.log.min.isr': '3' } }),
      "config['transaction.state.log.min.isr']",
      "'3'",
    );
  });

  test('replication rules stay quiet when there are no brokers (the pool rule reports that)', () => {
    try {
      make({ nodePools: [dual({ roles: [StrimziNodeRole.CONTROLLER] })] })();
    } catch (e: any) {
      expect(e.failures.map((f: any) => f.prop)).toEqual(['nodePools[].roles']);
    }
    expect.assertions(1);
  });
});

describe('warnings', () => {
  test('an even controller count', () => {
    const pools: StrimziNodePoolProps[] = [
      { name: 'broker', replicas: 3, roles: [StrimziNodeRole.BROKER], storage: { type: StrimziStorageType.EPHEMERAL } },
      { name: 'controller', replicas: 2, roles: [StrimziNodeRole.CONTROLLER], storage: { type: StrimziStorageType.EPHEMERAL } },
    ];
    expect(warningsOf(make({ nodePools: pools })())).toEqual([expect.stringContaining('2 controllers tolerate no more failures than 1')]);
  });

  test('min.insync.replicas equal to the replication factor', () => {
    expect(warningsOf(make({ nodePools: threeBrokers, config: { 'min.insync.replicas': '3' } })())).toEqual([expect.stringContaining('min.insync.replicas (3) equals default.replication.factor (3)')]);
  });

  test('production profile with fewer than 3 brokers', () => {
    const w = warningsOf(make({ profile: StrimziProfile.PRODUCTION, nodePools: [dual()] })());
    expect(w).toEqual(expect.arrayContaining([expect.stringContaining('production profile with 1 broker(s)')]));
  });

  test('an unauthenticated listener under simple authorization', () => {
    const w = warningsOf(make({ authorization: { type: StrimziAuthorizationType.SIMPLE } })());
    expect(w).toEqual([expect.stringContaining("listener 'plain' has no authentication"), expect.stringContaining("listener 'tls' has no authentication")]);
  });
});
