import { parse } from 'yaml';
import { AntiAffinity } from '../../lib/common/scheduling';
import {
  advertiseKafkaFlag,
  advertisedKafka,
  brokerHost,
  clusterConfig,
  nodeConfig,
  renderConfigureScript,
  renderNodeConfig,
  renderStartScript,
  storageMinFreeBytes,
} from '../../lib/redpanda/model';
import { RedpandaProfile } from '../../lib/redpanda/profile';
import { RedpandaProps, ScramMechanism } from '../../lib/redpanda/props';
import { resolveRedpanda } from '../../lib/redpanda/settings';

const settings = (props: RedpandaProps = {}) => resolveRedpanda('rp', 'lab', props);

describe('names and addresses', () => {
  test('broker FQDNs go through the headless Service, without a trailing dot', () => {
    expect(brokerHost(settings(), 0)).toBe('rp-0.rp-headless.lab.svc.cluster.local');
    expect(brokerHost(settings({ clusterDomain: 'corp.internal' }), 2)).toBe('rp-2.rp-headless.lab.svc.corp.internal');
  });

  test('one broker advertises its FQDN in-cluster and 127.0.0.1:9092 for port-forwards', () => {
    expect(advertisedKafka(settings(), 0)).toEqual({ internal: 'rp-0.rp-headless.lab.svc.cluster.local:9093', local: '127.0.0.1:9092', external: undefined });
    expect(advertiseKafkaFlag(settings(), 0)).toBe('internal://rp-0.rp-headless.lab.svc.cluster.local:9093,local://127.0.0.1:9092');
  });

  test('three brokers: each advertises its own FQDN and its own local port', () => {
    const s = settings({ replicas: 3 });
    expect([0, 1, 2].map((i) => advertisedKafka(s, i).internal)).toEqual([
      'rp-0.rp-headless.lab.svc.cluster.local:9093',
      'rp-1.rp-headless.lab.svc.cluster.local:9093',
      'rp-2.rp-headless.lab.svc.cluster.local:9093',
    ]);
    expect([0, 1, 2].map((i) => advertisedKafka(s, i).local)).toEqual(['127.0.0.1:9092', '127.0.0.1:9093', '127.0.0.1:9094']);
  });

  test('external addresses: one address shared, one node port per broker', () => {
    const s = settings({ replicas: 3, external: { addresses: ['203.0.113.7'] } });
    expect([0, 1, 2].map((i) => advertisedKafka(s, i).external)).toEqual(['203.0.113.7:31092', '203.0.113.7:31093', '203.0.113.7:31094']);
  });

  test('external addresses: one per broker, in ordinal order', () => {
    const s = settings({ replicas: 3, external: { addresses: ['a.example', 'b.example', 'c.example'], nodePortBase: 32000 } });
    expect(advertiseKafkaFlag(s, 1)).toBe('internal://rp-1.rp-headless.lab.svc.cluster.local:9093,local://127.0.0.1:9093,external://b.example:32001');
  });

  test('the port-forward listener can be switched off', () => {
    const s = settings({ portForward: { enabled: false } });
    expect(advertiseKafkaFlag(s, 0)).toBe('internal://rp-0.rp-headless.lab.svc.cluster.local:9093');
    expect((nodeConfig(s).redpanda as any).kafka_api.map((l: any) => l.name)).toEqual(['internal']);
  });
});

describe('redpanda.yaml', () => {
  test('seeds list every broker on the RPC port, identically for every broker', () => {
    const c = nodeConfig(settings({ replicas: 3 })) as any;
    expect(c.redpanda.seed_servers).toEqual([0, 1, 2].map((i) => ({ host: { address: `rp-${i}.rp-headless.lab.svc.cluster.local`, port: 33145 } })));
    expect(c.redpanda.empty_seed_starts_cluster).toBe(false);
  });

  test('one broker seeds itself', () => {
    const c = nodeConfig(settings()) as any;
    expect(c.redpanda.seed_servers).toEqual([{ host: { address: 'rp-0.rp-headless.lab.svc.cluster.local', port: 33145 } }]);
  });

  test('listeners bind 0.0.0.0 on the documented ports', () => {
    const c = nodeConfig(settings({ external: { addresses: ['127.0.0.1'] } })) as any;
    expect(c.redpanda.kafka_api).toEqual([
      { name: 'internal', address: '0.0.0.0', port: 9093 },
      { name: 'local', address: '0.0.0.0', port: 9092 },
      { name: 'external', address: '0.0.0.0', port: 9094 },
    ]);
    expect(c.redpanda.admin).toEqual([{ name: 'internal', address: '0.0.0.0', port: 9644 }]);
    expect(c.redpanda.rpc_server).toEqual({ address: '0.0.0.0', port: 33145 });
    expect(c.pandaproxy.pandaproxy_api[0].port).toBe(8082);
    expect(c.schema_registry.schema_registry_api[0].port).toBe(8081);
    expect(c.redpanda.data_directory).toBe('/var/lib/redpanda/data');
  });

  test('the rendered file parses back to the model and has no YAML aliases', () => {
    const s = settings({ replicas: 3 });
    const text = renderNodeConfig(s);
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parse(text)).toEqual(nodeConfig(s));
  });

  test('SASL puts authentication_method on every Kafka listener and basic auth on the HTTP proxy', () => {
    const c = nodeConfig(settings({ sasl: { usersSecretName: 'rp-users', superusers: ['admin'] } })) as any;
    expect(c.redpanda.kafka_api.map((l: any) => l.authentication_method)).toEqual(['sasl', 'sasl']);
    expect(c.pandaproxy.pandaproxy_api[0].authentication_method).toBe('http_basic');
  });

  test('TLS covers every listener and the RPC server', () => {
    const c = nodeConfig(settings({ tls: { certManager: true } })) as any;
    expect(c.redpanda.kafka_api_tls.map((t: any) => t.name)).toEqual(['internal', 'local']);
    expect(c.redpanda.kafka_api_tls[0]).toMatchObject({ enabled: true, cert_file: '/etc/tls/certs/default/tls.crt', truststore_file: '/etc/tls/certs/default/ca.crt' });
    expect(c.redpanda.admin_api_tls).toHaveLength(1);
    expect(c.redpanda.rpc_server_tls).toMatchObject({ enabled: true });
    expect(c.pandaproxy_client.broker_tls).toEqual({ enabled: true, truststore_file: '/etc/tls/certs/default/ca.crt' });
  });

  test('developer mode and overprovisioning follow the profile', () => {
    expect((nodeConfig(settings()) as any).redpanda.developer_mode).toBe(true);
    expect((nodeConfig(settings()) as any).rpk.overprovisioned).toBe(true);
    const prod = nodeConfig(settings({ profile: RedpandaProfile.PRODUCTION })) as any;
    expect(prod.redpanda.developer_mode).toBe(false);
    expect(prod.rpk.overprovisioned).toBe(false);
    expect(prod.rpk.additional_start_flags).toEqual(['--default-log-level=info', '--memory=8192M', '--reserve-memory=220M', '--smp=4']);
  });

  test('less than one core forces overprovisioned even in production', () => {
    expect(settings({ profile: RedpandaProfile.PRODUCTION, resources: { cpu: '500m', memory: '2Gi' }, developerMode: true }).overprovisioned).toBe(true);
  });

  test('profiles pick the anti-affinity', () => {
    expect(settings().antiAffinity).toBe(AntiAffinity.SOFT);
    expect(settings({ profile: RedpandaProfile.PRODUCTION }).antiAffinity).toBe(AntiAffinity.HARD);
  });
});

describe('cluster config', () => {
  test('one broker: free-space floor is 5 % of the volume, no replication bump', () => {
    expect(clusterConfig(settings())).toEqual({ storage_min_free_bytes: 53687091 });
  });

  test('three brokers: default topic replication 3', () => {
    expect(clusterConfig(settings({ replicas: 3 })).default_topic_replications).toBe(3);
  });

  test('free-space floor is capped at 5 GiB', () => {
    expect(storageMinFreeBytes(settings({ storage: { size: '1Ti' } }))).toBe(5 * 2 ** 30);
  });

  test('SASL turns on authorization and lists superusers; user properties are typed', () => {
    const c = clusterConfig(settings({ sasl: { usersSecretName: 'u', superusers: ['admin', 'ops'] }, clusterConfig: { log_retention_ms: '86400000', enable_idempotence: 'true', log_compression_type: 'zstd' } }));
    expect(c).toMatchObject({ enable_sasl: true, kafka_enable_authorization: true, superusers: ['admin', 'ops'], log_retention_ms: 86400000, enable_idempotence: true, log_compression_type: 'zstd' });
  });
});

describe('scripts', () => {
  test('the start script picks the advertised addresses by ordinal and refuses unknown ordinals', () => {
    const script = renderStartScript(settings({ replicas: 3 }));
    expect(script).toContain("  1) kafka='internal://rp-1.rp-headless.lab.svc.cluster.local:9093,local://127.0.0.1:9093' ;;");
    expect(script).toMatch(/\*\) echo .*beyond the 3 brokers.*exit 1/);
    expect(script).toContain('--advertise-rpc-addr "${POD_NAME}.rp-headless.lab.svc.cluster.local:33145"');
    expect(script).toContain('exec rpk redpanda start');
  });

  test('the configure script is idempotent: existing topics are tolerated and grown, users updated', () => {
    const s = settings({ replicas: 3, sasl: { usersSecretName: 'rp-users', superusers: ['admin'], users: ['consumer'], mechanism: ScramMechanism.SCRAM_SHA_256 } });
    const script = renderConfigureScript(s, [{ topicName: 'dojo-test', partitions: 6, replicationFactor: 3, config: { 'retention.ms': '3600000' } }]);
    expect(script).toContain("rpk topic create \"${t}\" -p 6 -r 3 -c 'retention.ms=3600000'");
    expect(script).toContain('TOPIC_ALREADY_EXISTS');
    expect(script).toContain('rpk topic add-partitions "${t}" --num $(( 6 - have ))');
    expect(script).toContain("rpk topic alter-config \"${t}\" --set 'retention.ms=3600000'");
    expect(script).toContain("for u in 'admin' 'consumer'; do");
    expect(script).toContain('--mechanism SCRAM-SHA-256');
    expect(script).toContain("rpk cluster config set superusers '[\"admin\"]'");
    expect(script).toContain("rpk cluster config set default_topic_replications '3'");
  });

  test('shell quoting survives quotes in values', () => {
    const script = renderConfigureScript(settings(), [{ topicName: 't', partitions: 1, replicationFactor: 1, config: { 'message.format': "it's" } }]);
    expect(script).toContain("-c 'message.format=it'\\''s'");
  });
});
