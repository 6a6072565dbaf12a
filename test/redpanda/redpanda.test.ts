import { parse } from 'yaml';
import { CONFIG_HASH_ANNOTATION } from '../../lib/common/config-hash';
import { AntiAffinity } from '../../lib/common/scheduling';
import { warningsOf } from '../../lib/common/validation';
import { KafkaAuthentication } from '../../lib/kafka/cluster';
import { Redpanda, RedpandaProfile, RedpandaProps, ScramMechanism } from '../../lib/redpanda';
import { validateK8sObjects } from '../util/schema';
import { all, errorOf, labChart, only, synth } from '../util/synth';

process.env.DATASTREAM_QUIET_WARNINGS = '1';

function build(props: RedpandaProps = {}, topics: Array<[string, number?]> = []) {
  const chart = labChart();
  const rp = new Redpanda(chart, 'rp', props);
  for (const [t, p] of topics) rp.addTopic(t, { partitions: p });
  return { chart, rp, objs: synth(chart) };
}

const sts = (objs: any[]) => only(objs, 'StatefulSet', 'rp');
const broker = (objs: any[]) => sts(objs).spec.template.spec.containers[0];
const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

const PRODUCTION: RedpandaProps = {
  profile: RedpandaProfile.PRODUCTION,
  replicas: 3,
  storage: { size: '100Gi', storageClassName: 'fast-ssd' },
  external: { addresses: ['203.0.113.10', '203.0.113.11', '203.0.113.12'] },
  sasl: { usersSecretName: 'rp-users', superusers: ['admin'], users: ['consumer'] },
  tls: { certManager: true },
  serviceMonitor: true,
};

describe('snapshots', () => {
  test('lab defaults', () => expect(build({}, [['dojo-test', 3]]).objs).toMatchSnapshot());
  test('production: 3 brokers, SASL, TLS, external, monitor', () => expect(build(PRODUCTION, [['orders', 12]]).objs).toMatchSnapshot());
});

describe('Kubernetes schema (1.28)', () => {
  test.each([
    ['lab', {}],
    ['production', PRODUCTION],
    ['sasl with own TLS secret', { sasl: { usersSecretName: 'u', superusers: ['a'] }, tls: { secretName: 'my-tls' } }],
  ])('%s validates with no unknown fields', (_n, props) => {
    expect(validateK8sObjects(build(props as RedpandaProps, [['t', 1]]).objs)).toEqual([]);
  });
});

describe('services and ports', () => {
  test('client Service is named after the construct and carries 9092 for port-forwards', () => {
    const svc = only(build().objs, 'Service', 'rp');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([
      ['kafka', 9093, 'kafka'],
      ['kafka-local', 9092, 'kafka-local'],
      ['admin', 9644, 'admin'],
      ['http', 8082, 'http'],
      ['schemaregistry', 8081, 'schemaregistry'],
    ]);
  });

  test('headless Service publishes not-ready addresses and carries RPC', () => {
    const svc = only(build().objs, 'Service', 'rp-headless');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['admin', 9644],
      ['kafka', 9093],
      ['http', 8082],
      ['schemaregistry', 8081],
      ['rpc', 33145],
    ]);
  });

  test('every Service port targets a named container port that exists', () => {
    const { objs } = build(PRODUCTION);
    const names = new Set(broker(objs).ports.map((p: any) => p.name));
    for (const svc of all(objs, 'Service')) for (const p of svc.spec.ports) expect(names).toContain(p.targetPort);
  });

  test('external: one NodePort Service per broker, pinned to its pod', () => {
    const { objs } = build(PRODUCTION);
    const ext = all(objs, 'Service').filter((s) => s.spec.type === 'NodePort');
    expect(ext.map((s) => [s.metadata.name, s.spec.ports[0].nodePort, s.spec.selector['statefulset.kubernetes.io/pod-name']])).toEqual([
      ['rp-external-0', 31092, 'rp-0'],
      ['rp-external-1', 31093, 'rp-1'],
      ['rp-external-2', 31094, 'rp-2'],
    ]);
  });

  test('selectors never carry the version label', () => {
    const { objs } = build(PRODUCTION);
    expect(sts(objs).spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'redpanda', 'app.kubernetes.io/instance': 'rp', 'app.kubernetes.io/component': 'broker' });
    for (const svc of all(objs, 'Service')) expect(Object.keys(svc.spec.selector)).not.toContain('app.kubernetes.io/version');
    expect(sts(objs).spec.template.metadata.labels['app.kubernetes.io/version']).toBe('v26.2.1');
  });
});

describe('StatefulSet', () => {
  test('parallel pods, retained claims, 1Gi datadir on the default class', () => {
    const s = sts(build().objs);
    expect(s.spec.podManagementPolicy).toBe('Parallel');
    expect(s.spec.serviceName).toBe('rp-headless');
    expect(s.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(s.spec.volumeClaimTemplates).toHaveLength(1);
    expect(s.spec.volumeClaimTemplates[0].metadata.name).toBe('datadir');
    expect(s.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    expect(s.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
    expect(broker(build().objs).volumeMounts).toContainEqual({ name: 'datadir', mountPath: '/var/lib/redpanda/data' });
  });

  test('storage class and size are passed through', () => {
    const s = sts(build(PRODUCTION).objs);
    expect(s.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast-ssd', resources: { requests: { storage: '100Gi' } } });
  });

  test('probes use the Admin API: startup and readiness on /v1/status/ready, liveness on the admin port', () => {
    const c = broker(build().objs);
    expect(c.startupProbe.httpGet).toEqual({ path: '/v1/status/ready', port: 'admin', scheme: 'HTTP' });
    expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBe(1200);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/v1/status/ready', port: 'admin', scheme: 'HTTP' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'admin' });
    expect(broker(build({ tls: { certManager: true } }).objs).readinessProbe.httpGet.scheme).toBe('HTTPS');
  });

  test('security contexts pass PodSecurity restricted', () => {
    const { objs } = build(PRODUCTION);
    for (const podSpec of [sts(objs).spec.template.spec, only(objs, 'Job').spec.template.spec]) {
      expect(podSpec.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 101,
        runAsGroup: 101,
        fsGroup: 101,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(podSpec.automountServiceAccountToken).toBe(false);
      expect(podSpec.initContainers).toBeUndefined();
      for (const c of podSpec.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          privileged: false,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
      }
    }
  });

  test('lab: memory limit only; production: requests = limits (Guaranteed QoS)', () => {
    expect(broker(build().objs).resources).toEqual({ requests: { cpu: '500m', memory: '1536Mi' }, limits: { memory: '1536Mi' } });
    expect(broker(build(PRODUCTION).objs).resources).toEqual({ requests: { cpu: '4', memory: '10Gi' }, limits: { cpu: '4', memory: '10Gi' } });
  });

  test('anti-affinity: soft in the lab, hard in production', () => {
    const lab = sts(build().objs).spec.template.spec.affinity.podAntiAffinity;
    expect(lab.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    const prod = sts(build(PRODUCTION).objs).spec.template.spec.affinity.podAntiAffinity;
    expect(prod.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels['app.kubernetes.io/instance']).toBe('rp');
    expect(sts(build({ antiAffinity: AntiAffinity.NONE }).objs).spec.template.spec.affinity).toBeUndefined();
  });

  test('PDB only with more than one broker', () => {
    expect(all(build().objs, 'PodDisruptionBudget')).toHaveLength(0);
    const pdb = only(build({ replicas: 3 }).objs, 'PodDisruptionBudget', 'rp');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: sts(build().objs).spec.selector.matchLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('maintenance-mode drain hooks only with three or more brokers', () => {
    expect(broker(build().objs).lifecycle).toBeUndefined();
    expect(broker(build({ replicas: 3 }).objs).lifecycle.preStop.exec.command).toEqual(['/bin/bash', '/etc/redpanda-config/lifecycle.sh', 'drain']);
    expect(sts(build({ replicas: 3 }).objs).spec.template.spec.terminationGracePeriodSeconds).toBe(90);
  });

  test('the port-forward base is annotated for the verify command', () => {
    expect(sts(build().objs).metadata.annotations).toEqual({ 'datastream.cdk8s.io/port-forward-base': '9092' });
    expect(sts(build({ portForward: { enabled: false } }).objs).metadata.annotations).toBeUndefined();
  });
});

describe('configuration', () => {
  const configOf = (objs: any[]) => only(objs, 'ConfigMap', 'rp-config').data;

  test('redpanda.yaml in the ConfigMap has seeds for every broker', () => {
    const c = parse(configOf(build({ replicas: 3 }).objs)['redpanda.yaml']);
    expect(c.redpanda.seed_servers.map((x: any) => x.host.address)).toEqual([0, 1, 2].map((i) => `rp-${i}.rp-headless.lab.svc.cluster.local`));
  });

  test('the config hash rolls pods when the config changes, and only then', () => {
    const hash = (p: RedpandaProps) => sts(build(p).objs).spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
    expect(hash({})).toMatch(/^[0-9a-f]{64}$/);
    expect(hash({})).toBe(hash({}));
    expect(hash({ logLevel: 'debug' as any })).not.toBe(hash({}));
    expect(hash({ clusterConfig: { log_retention_ms: '1000' } })).not.toBe(hash({}));
  });

  test('no secret value in ConfigMaps or args: passwords come from secretKeyRef', () => {
    const { objs } = build(PRODUCTION);
    const env = envOf(broker(objs));
    expect(env.RPK_PASS).toEqual({ secretKeyRef: { name: 'rp-users', key: 'admin' } });
    expect(env.RP_BOOTSTRAP_USER).toBe('admin:$(RPK_PASS):SCRAM-SHA-512');
    expect(env.RPK_USER).toBe('admin');
    const job = only(objs, 'Job');
    expect(envOf(job.spec.template.spec.containers[0]).RPK_PASS).toEqual({ secretKeyRef: { name: 'rp-users', key: 'admin' } });
    expect(job.spec.template.spec.volumes).toContainEqual({ name: 'users', secret: { secretName: 'rp-users', defaultMode: 0o440 } });
    expect(all(objs, 'Secret')).toHaveLength(0);
    const text = JSON.stringify(configOf(objs)) + JSON.stringify(job.spec.template.spec.containers[0].args);
    expect(text).not.toMatch(/password: |scram_password|sasl_password|RPK_PASS=/i);
  });

  test('TLS mounts the certificate Secret and points rpk at its CA', () => {
    const { objs } = build({ tls: { secretName: 'my-tls' } });
    expect(sts(objs).spec.template.spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'my-tls', defaultMode: 0o440 } });
    expect(envOf(broker(objs))).toMatchObject({ RPK_TLS_ENABLED: 'true', RPK_TLS_CA: '/etc/tls/certs/default/ca.crt' });
    expect(all(objs, 'Certificate')).toHaveLength(0);
  });

  test('cert-manager: CA chain and a broker certificate covering the Service, every broker and localhost', () => {
    const { objs } = build({ replicas: 3, tls: { certManager: true }, external: { addresses: ['kafka.example.com'] } });
    expect(all(objs, 'Issuer').map((o) => o.metadata.name)).toEqual(['rp-selfsigned', 'rp-ca']);
    const cert = only(objs, 'Certificate', 'rp-tls');
    expect(cert.spec.secretName).toBe('rp-tls');
    expect(cert.spec.dnsNames).toEqual(expect.arrayContaining(['rp.lab.svc.cluster.local', '*.rp-headless.lab.svc.cluster.local', 'localhost', 'kafka.example.com']));
    expect(cert.spec.ipAddresses).toEqual(['127.0.0.1']);
    expect(cert.spec.issuerRef).toEqual({ name: 'rp-ca', kind: 'Issuer', group: 'cert-manager.io' });
  });

  test('cert-manager with your own Issuer emits no CA chain', () => {
    const { objs } = build({ tls: { certManager: true, issuerName: 'corp-ca' } });
    expect(all(objs, 'Issuer')).toHaveLength(0);
    expect(only(objs, 'Certificate').spec.issuerRef.name).toBe('corp-ca');
  });
});

describe('configure Job (topics without an operator)', () => {
  test('its name carries a hash of its spec: same output, same Job; a new topic, a new Job', () => {
    const name = (topics: Array<[string, number?]>) => only(build({}, topics).objs, 'Job').metadata.name;
    expect(name([['dojo-test', 3]])).toMatch(/^rp-configure-[0-9a-f]{8}$/);
    expect(name([['dojo-test', 3]])).toBe(name([['dojo-test', 3]]));
    expect(name([['dojo-test', 3], ['other', 1]])).not.toBe(name([['dojo-test', 3]]));
  });

  test('topics added after construction are in the script', () => {
    const args = only(build({}, [['dojo-test', 3]]).objs, 'Job').spec.template.spec.containers[0].args[0];
    expect(args).toContain("t='dojo-test'");
    expect(args).toContain('-p 3 -r 1');
  });

  test('replication factor defaults to 3 with 3 brokers', () => {
    const { rp } = build({ replicas: 3 }, [['dojo-test', 3]]);
    expect(rp.declaredTopics[0].replicationFactor).toBe(3);
  });

  test('the Job reaches every broker', () => {
    const env = envOf(only(build({ replicas: 3 }).objs, 'Job').spec.template.spec.containers[0]);
    expect(env.RPK_BROKERS).toBe('rp-0.rp-headless.lab.svc.cluster.local:9093,rp-1.rp-headless.lab.svc.cluster.local:9093,rp-2.rp-headless.lab.svc.cluster.local:9093');
  });

  test('a topic declared twice is rejected', () => {
    const chart = labChart();
    const rp = new Redpanda(chart, 'rp');
    rp.addTopic('a');
    expect(errorOf(() => rp.addTopic('a')).message).toMatch(/\[test\/rp\] Redpanda addTopic: topic 'a' is declared twice/);
  });
});

describe('IKafkaCluster', () => {
  test('connection: in-cluster FQDN on 9093, plaintext by default', () => {
    const { rp } = build();
    expect(rp.connection()).toEqual({ listenerName: 'internal', bootstrapServers: 'rp.lab.svc.cluster.local:9093', port: 9093, tlsCaSecret: undefined, authentication: KafkaAuthentication.NONE });
    expect(rp.brokerCount).toBe(1);
    expect(rp.flavor).toBe('redpanda');
    expect(rp.adminUrl).toBe('http://rp.lab.svc.cluster.local:9644');
  });

  test('connection with SASL and TLS names the CA Secret and the mechanism', () => {
    const { rp } = build({ sasl: { usersSecretName: 'u', superusers: ['a'], mechanism: ScramMechanism.SCRAM_SHA_256 }, tls: { certManager: true } });
    expect(rp.connection()).toMatchObject({ tlsCaSecret: { secretName: 'rp-tls', key: 'ca.crt' }, authentication: KafkaAuthentication.SCRAM_SHA_256 });
  });

  test('userCredentials: the password is the user key of the users Secret', () => {
    const { rp } = build({ sasl: { usersSecretName: 'rp-users', superusers: ['admin'], users: ['consumer'] } });
    expect(rp.userCredentials('consumer')).toEqual({ username: 'consumer', authentication: KafkaAuthentication.SCRAM_SHA_512, passwordSecret: { secretName: 'rp-users', key: 'consumer' } });
    expect(errorOf(() => rp.userCredentials('nobody')).message).toMatch(/'nobody' is not a SASL user of this cluster; allowed: admin, consumer/);
  });

  test('only the in-cluster listener is offered to in-cluster clients', () => {
    expect(errorOf(() => build().rp.connection('local')).message).toMatch(/listener 'local' is not reachable from inside the cluster; allowed: internal/);
  });
});

describe('warnings', () => {
  test('two brokers cannot keep a majority', () => {
    expect(warningsOf(build({ replicas: 2 }).chart).join()).toMatch(/replicas: 2 cannot keep a Raft majority/);
  });
  test('developer mode in production', () => {
    expect(warningsOf(build({ profile: RedpandaProfile.PRODUCTION, developerMode: true }).chart).join()).toMatch(/developerMode is on in the PRODUCTION profile/);
  });
  test('none for the defaults', () => expect(warningsOf(build().chart)).toEqual([]));
});

describe('NetworkPolicy', () => {
  test('none by default', () => expect(all(build().objs, 'NetworkPolicy')).toHaveLength(0));

  test('brokers, the configure Job and the named pods reach the brokers; nothing else', () => {
    const chart = labChart();
    const rp = new Redpanda(chart, 'rp', { networkPolicy: { allowFrom: [{ podLabels: { app: 'chatbot' } }] } });
    rp.allowFrom({ namespace: 'keda' });
    const np = only(synth(chart), 'NetworkPolicy', 'rp');
    expect(np.spec.podSelector.matchLabels).toEqual(rp.brokerSelector);
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    const rules = np.spec.ingress.map((r: any) => [r.from, r.ports.map((p: any) => p.port)]);
    expect(rules).toEqual([
      [[{ podSelector: { matchLabels: rp.brokerSelector } }], [9093, 9644, 8082, 8081, 33145]],
      [[{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redpanda', 'app.kubernetes.io/instance': 'rp', 'app.kubernetes.io/component': 'configure' } } }], [9093, 9644]],
      [[{ podSelector: { matchLabels: { app: 'chatbot' } } }, { podSelector: {}, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } }], [9093, 9644, 8082, 8081]],
    ]);
    // The Job's pods carry the labels the policy admits.
    const job = only(synth(chart), 'Job');
    expect(job.spec.template.metadata.labels).toMatchObject(rules[1][0][0].podSelector.matchLabels);
    expect(validateK8sObjects(synth(chart))).toEqual([]);
  });

  test('the external listener stays reachable from outside', () => {
    const chart = labChart();
    new Redpanda(chart, 'rp', { external: { addresses: ['127.0.0.1'] }, networkPolicy: {} });
    const np = only(synth(chart), 'NetworkPolicy');
    expect(np.spec.ingress[np.spec.ingress.length - 1]).toEqual({ ports: [{ protocol: 'TCP', port: 9094 }] });
  });

  test('allowFrom rejects an empty peer, naming the value', () => {
    const rp = new Redpanda(labChart(), 'rp');
    expect(errorOf(() => rp.allowFrom({})).message).toMatch(/\[test\/rp\] Redpanda.allowFrom prop 'peers': \[\{\}\] is invalid; allowed: peers with podLabels, namespace or namespaceLabels/);
  });
});

describe('ACLs for SASL users', () => {
  const sasl = { usersSecretName: 'rp-users', superusers: ['admin'], users: ['consumer'] };

  test('grantConsume and grantProduce become idempotent rpk ACL commands in the configure Job', () => {
    const chart = labChart();
    const rp = new Redpanda(chart, 'rp', { sasl });
    const t = rp.addTopic('dojo-test', { partitions: 3 });
    rp.grantConsume('consumer', t, 'dojo-consumer');
    rp.grantProduce('consumer', t);
    const script = only(synth(chart), 'Job').spec.template.spec.containers[0].args[0];
    expect(script).toContain("rpk security acl create --allow-principal 'User:consumer' --operation read,describe --topic 'dojo-test'");
    expect(script).toContain("rpk security acl create --allow-principal 'User:consumer' --operation read,describe --group 'dojo-consumer'");
    expect(script).toContain("rpk security acl create --allow-principal 'User:consumer' --operation write,describe --topic 'dojo-test'");
  });

  test('only declared users, topics of this cluster and valid group names', () => {
    const chart = labChart();
    const rp = new Redpanda(chart, 'rp', { sasl });
    const other = new Redpanda(chart, 'other', { sasl });
    const t = rp.addTopic('a');
    expect(errorOf(() => rp.grantConsume('nobody', t, 'g')).message).toMatch(/grantConsume prop 'username': 'nobody' is invalid; allowed: a SASL user of this cluster \(admin, consumer\)/);
    expect(errorOf(() => other.grantProduce('consumer', t)).message).toMatch(/\[test\/other\] Redpanda grantProduce prop 'topic': 'a' is invalid; allowed: a topic of this cluster/);
    expect(errorOf(() => rp.grantConsume('consumer', t, 'bad group')).message).toMatch(/prop 'consumerGroup': 'bad group' is invalid/);
  });
});

describe('review fixes', () => {
  test('two brokers: topics default to replication factor 1 (Redpanda rejects even factors)', () => {
    const { rp } = build({ replicas: 2 }, [['t', 1]]);
    expect(rp.declaredTopics[0].replicationFactor).toBe(1);
  });

  test('the ServiceMonitor selects only the headless Service, so every broker is scraped once', () => {
    const { objs } = build({ replicas: 3, serviceMonitor: true });
    const sel = only(objs, 'ServiceMonitor').spec.selector.matchLabels;
    const matching = all(objs, 'Service').filter((svc) => Object.entries(sel).every(([k, v]) => svc.metadata.labels[k] === v));
    expect(matching.map((svc) => svc.metadata.name)).toEqual(['rp-headless']);
  });

  test('the error names the smallest container that fits, and that size passes', () => {
    expect(() => build({ resources: { memory: '1006Mi' }, developerMode: true })).not.toThrow();
    expect(() => build({ resources: { memory: '1005Mi' }, developerMode: true })).toThrow(/fit the container: at least 1006Mi/);
  });
});
