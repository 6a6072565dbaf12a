/**
 * Pure functions from resolved settings to what the emitter writes: names, addresses, redpanda.yaml, the
 * bootstrap cluster config and the scripts. No constructs here, so the tests exercise them directly.
 */
import { stringify } from 'yaml';
import { podFqdn, serviceFqdn } from '../common/naming';
import { parseBytes } from '../common/quantity';
import { LISTENER, PATHS, REDPANDA_PORTS } from './ports';
import { seastarFlags, seastarSizing } from './seastar';
import { RedpandaSettings } from './settings';

/** Object names derived from the instance name. */
export function redpandaNames(s: Pick<RedpandaSettings, 'name'>) {
  return {
    statefulSet: s.name,
    clientService: s.name,
    headlessService: `${s.name}-headless`,
    config: `${s.name}-config`,
    serviceAccount: s.name,
    pdb: s.name,
    externalService: (i: number) => `${s.name}-external-${i}`,
    configureJob: `${s.name}-configure`,
    pod: (i: number) => `${s.name}-${i}`,
    certificate: `${s.name}-tls`,
    selfSignedIssuer: `${s.name}-selfsigned`,
    caCertificate: `${s.name}-ca`,
    caIssuer: `${s.name}-ca`,
  };
}

/** In-cluster FQDN of broker i. */
export function brokerHost(s: RedpandaSettings, i: number): string {
  const n = redpandaNames(s);
  return podFqdn(n.pod(i), n.headlessService, s.namespace, s.clusterDomain);
}

/** `host:port` of every broker on a port. */
export function brokerAddresses(s: RedpandaSettings, port: number): string[] {
  return Array.from({ length: s.replicas }, (_, i) => `${brokerHost(s, i)}:${port}`);
}

/** Client Service FQDN, e.g. rp.lab.svc.cluster.local. */
export function clientServiceHost(s: RedpandaSettings): string {
  return serviceFqdn(redpandaNames(s).clientService, s.namespace, s.clusterDomain);
}

/** What broker i advertises on each Kafka listener. */
export interface AdvertisedKafka {
  readonly internal: string;
  readonly local?: string;
  readonly external?: string;
}

/** Advertised Kafka addresses of broker i (computed at synth time; the start script only picks by ordinal). */
export function advertisedKafka(s: RedpandaSettings, i: number): AdvertisedKafka {
  return {
    internal: `${brokerHost(s, i)}:${REDPANDA_PORTS.kafka}`,
    local: s.portForward ? `127.0.0.1:${s.portForward.basePort + i}` : undefined,
    external: s.external ? `${s.external.addresses[s.external.addresses.length === 1 ? 0 : i]}:${s.external.nodePortBase + i}` : undefined,
  };
}

/** Whole `--advertise-kafka-addr` value of broker i. */
export function advertiseKafkaFlag(s: RedpandaSettings, i: number): string {
  const a = advertisedKafka(s, i);
  return [
    `${LISTENER.internal}://${a.internal}`,
    a.local ? `${LISTENER.local}://${a.local}` : undefined,
    a.external ? `${LISTENER.external}://${a.external}` : undefined,
  ]
    .filter(Boolean)
    .join(',');
}

/** `storage_min_free_bytes` = min(5 GiB, 5 % of the volume), as the chart sets it. */
export function storageMinFreeBytes(s: RedpandaSettings): number {
  return Math.min(5 * 2 ** 30, Math.floor(parseBytes(s.storageSize) * 0.05));
}

function scalar(v: string): string | number | boolean {
  if (/^-?[0-9]+$/.test(v)) return Number(v);
  if (v === 'true' || v === 'false') return v === 'true';
  return v;
}

/** Cluster properties: derived ones (replication, free-space floor, SASL) plus the user's. */
export function clusterConfig(s: RedpandaSettings): { [key: string]: unknown } {
  const c: { [key: string]: unknown } = {
    storage_min_free_bytes: storageMinFreeBytes(s),
  };
  if (s.replicas >= 3) c.default_topic_replications = 3;
  if (s.sasl) {
    c.enable_sasl = true;
    c.kafka_enable_authorization = true;
    c.superusers = s.sasl.superusers;
  }
  for (const [k, v] of Object.entries(s.clusterConfig)) c[k] = scalar(v);
  return c;
}

function tlsEntry(name: string) {
  return {
    name,
    enabled: true,
    cert_file: `${PATHS.tls}/tls.crt`,
    key_file: `${PATHS.tls}/tls.key`,
    truststore_file: `${PATHS.tls}/ca.crt`,
    require_client_auth: false,
  };
}

/** The node configuration (redpanda.yaml); per-broker addresses are passed as start flags. */
export function nodeConfig(s: RedpandaSettings): { [key: string]: unknown } {
  const sasl = s.sasl ? { authentication_method: 'sasl' } : {};
  const kafkaListeners = [
    { name: LISTENER.internal, address: '0.0.0.0', port: REDPANDA_PORTS.kafka, ...sasl },
    ...(s.portForward ? [{ name: LISTENER.local, address: '0.0.0.0', port: REDPANDA_PORTS.kafkaLocal, ...sasl }] : []),
    ...(s.external ? [{ name: LISTENER.external, address: '0.0.0.0', port: REDPANDA_PORTS.kafkaExternal, ...sasl }] : []),
  ];
  const seeds = Array.from({ length: s.replicas }, (_, i) => ({ host: { address: brokerHost(s, i), port: REDPANDA_PORTS.rpc } }));
  const brokerList = Array.from({ length: s.replicas }, (_, i) => ({ address: brokerHost(s, i), port: REDPANDA_PORTS.kafka }));
  const tls = !!s.tls;
  const redpanda: { [key: string]: unknown } = {
    data_directory: PATHS.data,
    empty_seed_starts_cluster: false,
    seed_servers: seeds,
    rpc_server: { address: '0.0.0.0', port: REDPANDA_PORTS.rpc },
    kafka_api: kafkaListeners,
    admin: [{ name: LISTENER.internal, address: '0.0.0.0', port: REDPANDA_PORTS.admin }],
    developer_mode: s.developerMode,
    crash_loop_limit: 5,
  };
  if (tls) {
    redpanda.kafka_api_tls = kafkaListeners.map((l) => tlsEntry(l.name));
    redpanda.admin_api_tls = [tlsEntry(LISTENER.internal)];
    const { name: _n, ...rpcTls } = tlsEntry(LISTENER.internal);
    redpanda.rpc_server_tls = rpcTls;
  }
  const brokerTls = tls ? { broker_tls: { enabled: true, truststore_file: `${PATHS.tls}/ca.crt` } } : {};
  return {
    redpanda,
    pandaproxy: {
      pandaproxy_api: [{ name: LISTENER.internal, address: '0.0.0.0', port: REDPANDA_PORTS.http, ...(s.sasl ? { authentication_method: 'http_basic' } : {}) }],
      ...(tls ? { pandaproxy_api_tls: [tlsEntry(LISTENER.internal)] } : {}),
    },
    pandaproxy_client: { brokers: brokerList, ...brokerTls },
    schema_registry: {
      schema_registry_api: [{ name: LISTENER.internal, address: '0.0.0.0', port: REDPANDA_PORTS.schemaRegistry }],
      ...(tls ? { schema_registry_api_tls: [tlsEntry(LISTENER.internal)] } : {}),
    },
    schema_registry_client: { brokers: brokerList, ...brokerTls },
    rpk: {
      overprovisioned: s.overprovisioned,
      enable_memory_locking: false,
      tune_aio_events: false,
      additional_start_flags: seastarFlags(seastarSizing(s.millicores, s.memoryBytes), s.logLevel),
    },
  };
}

const HEADER = '# Generated by cdk8s-datastream. Do not edit: change the construct props and synthesize again.\n';

/** redpanda.yaml text. */
export function renderNodeConfig(s: RedpandaSettings): string {
  return HEADER + stringify(nodeConfig(s), { lineWidth: 0, aliasDuplicateObjects: false });
}

/** .bootstrap.yaml text: cluster properties applied at first cluster formation. */
export function renderBootstrap(s: RedpandaSettings): string {
  return HEADER + stringify(clusterConfig(s), { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Broker start script: copies the config into the writable config dir and starts with per-ordinal addresses. */
export function renderStartScript(s: RedpandaSettings): string {
  const n = redpandaNames(s);
  const cases = Array.from({ length: s.replicas }, (_, i) => `  ${i}) kafka='${advertiseKafkaFlag(s, i)}' ;;`);
  const host = `\${POD_NAME}.${n.headlessService}.${s.namespace}.svc.${s.clusterDomain}`;
  return [
    '#!/bin/bash',
    `# Generated by cdk8s-datastream: starts one broker of StatefulSet ${n.statefulSet}. Advertised addresses are`,
    '# computed at synth time; this script only picks them by the pod ordinal.',
    'set -euo pipefail',
    'ordinal="${POD_NAME##*-}"',
    'case "${ordinal}" in',
    ...cases,
    `  *) echo "broker \${ordinal} is beyond the ${s.replicas} brokers this config was synthesized for; synthesize with the new replica count" >&2; exit 1 ;;`,
    'esac',
    `cp ${PATHS.configSource}/redpanda.yaml ${PATHS.config}/redpanda.yaml`,
    `cp ${PATHS.configSource}/bootstrap.yaml ${PATHS.config}/.bootstrap.yaml`,
    'exec rpk redpanda start \\',
    '  --advertise-kafka-addr "${kafka}" \\',
    `  --advertise-pandaproxy-addr "${LISTENER.internal}://${host}:${REDPANDA_PORTS.http}" \\`,
    `  --advertise-rpc-addr "${host}:${REDPANDA_PORTS.rpc}"`,
    '',
  ].join('\n');
}

/**
 * Lifecycle hook script: `drain` puts this broker into maintenance mode before it stops (leaders move away),
 * `undrain` takes it out after a start. Only used with three or more brokers; it never fails the hook.
 */
export function renderLifecycleScript(s: RedpandaSettings): string {
  const scheme = s.tls ? 'https' : 'http';
  const curlTls = s.tls ? ` --cacert ${PATHS.tls}/ca.crt` : '';
  return [
    '#!/bin/bash',
    '# Generated by cdk8s-datastream: maintenance-mode drain on stop, undrain on start. Never fails the hook.',
    'set -u',
    'node_id() {',
    // RPK_ADMIN_HOSTS is this broker's own FQDN and admin port: a name every broker certificate covers.
    `  curl -sf -m 5${curlTls} "${scheme}://\${RPK_ADMIN_HOSTS}/v1/node_config" | sed -n 's/.*"node_id": *\\([0-9][0-9]*\\).*/\\1/p'`,
    '}',
    'case "${1:-}" in',
    '  drain)',
    '    id="$(node_id)"; [ -n "${id}" ] || exit 0',
    '    timeout 40 rpk cluster maintenance enable "${id}" --wait || true ;;',
    '  undrain)',
    '    for _ in $(seq 1 60); do id="$(node_id)"; [ -n "${id}" ] && break; sleep 2; done',
    '    [ -n "${id:-}" ] && { timeout 20 rpk cluster maintenance disable "${id}" || true; } ;;',
    'esac',
    'exit 0',
    '',
  ].join('\n');
}

/** A topic the configure Job ensures. */
export interface JobTopic {
  readonly topicName: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: { [key: string]: string };
}

const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** An ACL the configure Job ensures (Kafka ACL creation is idempotent). */
export interface JobAcl {
  readonly principal: string;
  readonly resourceType: 'topic' | 'group';
  readonly resourceName: string;
  readonly operations: string[];
}

/**
 * The configure Job's script, idempotent so it is safe to re-apply and re-run: waits for the cluster, re-applies
 * the cluster properties (the bootstrap file only counts at first formation), creates or updates SASL users from
 * the mounted Secret, creates topics that are missing, raises partition counts and sets topic configs.
 */
export function renderConfigureScript(s: RedpandaSettings, topics: JobTopic[], acls: JobAcl[] = []): string {
  const lines = [
    '#!/bin/bash',
    `# Generated by cdk8s-datastream: configures Redpanda cluster ${s.name} (idempotent).`,
    'set -euo pipefail',
    'echo "waiting for the cluster..."',
    'ok=',
    'for _ in $(seq 1 120); do if rpk cluster info >/dev/null 2>&1; then ok=1; break; fi; sleep 5; done',
    '[ -n "${ok}" ] || { echo "cluster did not answer on ${RPK_BROKERS} within 10 minutes" >&2; exit 1; }',
  ];
  for (const [k, v] of Object.entries(clusterConfig(s))) {
    const value = Array.isArray(v) ? JSON.stringify(v) : String(v);
    lines.push(`rpk cluster config set ${k} ${q(value)} >/dev/null`, `echo "cluster property ${k} set"`);
  }
  if (s.sasl) {
    lines.push(
      `for u in ${s.sasl.users.map(q).join(' ')}; do`,
      `  f="${PATHS.users}/\${u}"`,
      `  [ -f "\${f}" ] || { echo "Secret ${s.sasl.usersSecretName} has no key '\${u}'" >&2; exit 1; }`,
      '  pass="$(cat "${f}")"',
      `  if out="$(rpk security user create "\${u}" -p "\${pass}" --mechanism ${s.sasl.mechanism} 2>&1)"; then echo "user \${u} created"`,
      `  elif echo "\${out}" | grep -qi 'already exists'; then rpk security user update "\${u}" --new-password "\${pass}" --mechanism ${s.sasl.mechanism} >/dev/null; echo "user \${u} exists, password set"`,
      '  else echo "${out}" >&2; exit 1; fi',
      'done',
    );
  }
  for (const t of topics) {
    const cfg = Object.entries(t.config).map(([k, v]) => ` -c ${q(`${k}=${v}`)}`).join('');
    lines.push(
      `t=${q(t.topicName)}`,
      `if out="$(rpk topic create "\${t}" -p ${t.partitions} -r ${t.replicationFactor}${cfg} 2>&1)" && ! echo "\${out}" | grep -q 'TOPIC_ALREADY_EXISTS'; then echo "topic \${t} created"`,
      `elif echo "\${out}" | grep -q 'TOPIC_ALREADY_EXISTS'; then`,
      `  read -r have rf <<<"$(rpk topic list | awk -v t="\${t}" '$1 == t { print $2, $3 }')"`,
      `  if [ -n "\${have:-}" ] && [ "\${have}" -lt ${t.partitions} ]; then rpk topic add-partitions "\${t}" --num $(( ${t.partitions} - have )); echo "topic \${t}: partitions \${have} -> ${t.partitions}"; fi`,
      `  if [ -n "\${rf:-}" ] && [ "\${rf}" != ${t.replicationFactor} ]; then echo "warning: topic \${t} has replication factor \${rf}, declared ${t.replicationFactor}; this Job does not move replicas (docs/operations.md: scale-up)" >&2; fi`,
      ...(cfg ? [`  rpk topic alter-config "\${t}"${Object.entries(t.config).map(([k, v]) => ` --set ${q(`${k}=${v}`)}`).join('')} >/dev/null`] : []),
      '  echo "topic ${t} exists"',
      'else echo "${out}" >&2; exit 1; fi',
    );
  }
  for (const a of acls) {
    lines.push(
      `rpk security acl create --allow-principal ${q(`User:${a.principal}`)} --operation ${a.operations.join(',')} --${a.resourceType} ${q(a.resourceName)} >/dev/null`,
      `echo "acl: User:${a.principal} ${a.operations.join(',')} on ${a.resourceType} ${a.resourceName}"`,
    );
  }
  lines.push('echo "done"', '');
  return lines.join('\n');
}

/** Bootstrap servers of the in-cluster listener through the client Service. */
export function bootstrapServers(s: RedpandaSettings): string {
  return `${clientServiceHost(s)}:${REDPANDA_PORTS.kafka}`;
}
