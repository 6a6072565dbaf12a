import { IConstruct } from 'constructs';
import { isQuantity, parseBytes } from '../common/quantity';
import { AntiAffinity } from '../common/scheduling';
import {
  allUnique,
  isDnsLabel,
  isDnsSubdomain,
  isIntIn,
  validate,
  ValidationRule,
  isServiceName,
  warn,
} from '../common/validation';
import { RedpandaLogLevel, ScramMechanism } from './props';
import { RedpandaProfile } from './profile';
import { MIN_BYTES_PER_CORE, MIN_MEMORY_MIB, seastarSizing } from './seastar';
import { RedpandaSettings } from './settings';

const KIND = 'Redpanda';
const MiB = (b: number) => Math.floor(b / 2 ** 20);
const enumValues = (e: object) => Object.values(e).join(', ');
/** Longest name whose derived names (`<name>-headless`, `<name>-external-NN`, pod `<name>-NN`) stay DNS labels. */
const MAX_NAME = 40;
/** Secret keys: `[-._a-zA-Z0-9]+`; SCRAM user names may not contain ':' or ','. */
const isUserName = (v: unknown) => typeof v === 'string' && /^[-._a-zA-Z0-9]{1,128}$/.test(v);
const sizing = (s: RedpandaSettings) => seastarSizing(s.millicores, s.memoryBytes);
const resourcesOk = (s: RedpandaSettings) => Number.isFinite(s.millicores) && s.millicores > 0 && Number.isFinite(s.memoryBytes) && s.memoryBytes > 0;

/** The smallest container (MiB) whose --memory and --reserve-memory fit: --memory + reserve <= container and --memory >= 256M. */
export function minimumContainerMiB(): number {
  for (let mib = MIN_MEMORY_MIB; ; mib++) {
    const z = seastarSizing(1000, mib * 2 ** 20);
    if (z.memoryMiB >= MIN_MEMORY_MIB && z.memoryMiB + z.reserveMiB <= mib) return mib;
  }
}

/** Cluster properties the construct owns. */
export const RESERVED_CLUSTER_CONFIG = ['superusers', 'enable_sasl', 'kafka_enable_authorization', 'storage_min_free_bytes'];

/** The rule table: one entry per prop constraint. */
export const REDPANDA_RULES: ReadonlyArray<ValidationRule<RedpandaSettings>> = [
  { prop: 'name', value: (s) => s.name, check: (v) => isServiceName(v) && v.length <= MAX_NAME, allowed: `a DNS label of at most ${MAX_NAME} characters that starts with a letter (lower-case letters, digits, '-'; it names Services)` },
  { prop: 'namespace', value: (s) => s.namespace, check: isDnsLabel, allowed: 'a DNS label' },
  { prop: 'profile', value: (s) => s.profile, check: (v) => Object.values(RedpandaProfile).includes(v), allowed: enumValues(RedpandaProfile) },
  { prop: 'replicas', value: (s) => s.replicas, check: isIntIn(1, 99), allowed: 'a whole number from 1 to 99 (use 3 or more for high availability)' },
  { prop: 'image', value: (s) => s.image, check: (v) => typeof v === 'string' && /^[^\s]+:[^\s:/]+$|^[^\s]+@sha256:[0-9a-f]{64}$/.test(v), allowed: 'an image reference with a tag or digest, e.g. docker.redpanda.com/redpandadata/redpanda:v26.2.1' },
  { prop: 'resources.cpu', value: (s) => s.cpu, check: (v, s) => isQuantity(v) && s.millicores >= 100, allowed: "a CPU quantity of at least 100m, e.g. '500m', '1', '4'" },
  { prop: 'resources.memory', value: (s) => s.memory, check: (v, s) => isQuantity(v) && Number.isFinite(s.memoryBytes) && s.memoryBytes > 0, allowed: "a memory quantity, e.g. '1536Mi', '10Gi'" },
  {
    prop: 'resources.memory',
    when: resourcesOk,
    value: (s) => s.memory,
    check: (_v, s) => sizing(s).memoryMiB >= MIN_MEMORY_MIB && sizing(s).memoryMiB + sizing(s).reserveMiB <= MiB(s.memoryBytes),
    allowed: (s) =>
      `enough for --memory (80 % = ${sizing(s).memoryMiB}M) to be at least ${MIN_MEMORY_MIB}M and for --memory plus --reserve-memory (${sizing(s).reserveMiB}M) to fit the container: at least ${minimumContainerMiB()}Mi`,
  },
  {
    prop: 'resources.memory',
    when: (s) => resourcesOk(s) && !s.developerMode,
    value: (s) => s.memory,
    check: (_v, s) => sizing(s).bytesPerCore >= MIN_BYTES_PER_CORE,
    allowed: (s) =>
      `at least 1 GiB of --memory per core: --smp=${sizing(s).smp} gives ${MiB(sizing(s).bytesPerCore)}MiB per core (--memory is 80 % of the container memory), ` +
      `so give the container at least ${Math.ceil((sizing(s).smp * 1024) / 0.8)}Mi or fewer cores; Redpanda refuses to start below 1 GiB per core unless developerMode is true (never for data you keep)`,
  },
  { prop: 'storage.size', value: (s) => s.storageSize, check: (v) => { try { return isQuantity(v) && parseBytes(v) >= 2 ** 26; } catch { return false; } }, allowed: "a storage quantity of at least 64Mi, e.g. '1Gi', '100Gi'" },
  { prop: 'storage.storageClassName', when: (s) => s.storageClassName !== undefined, value: (s) => s.storageClassName, check: isDnsSubdomain, allowed: 'a StorageClass name (DNS subdomain)' },
  { prop: 'antiAffinity', value: (s) => s.antiAffinity, check: (v) => Object.values(AntiAffinity).includes(v), allowed: enumValues(AntiAffinity) },
  { prop: 'logLevel', value: (s) => s.logLevel, check: (v) => Object.values(RedpandaLogLevel).includes(v), allowed: enumValues(RedpandaLogLevel) },
  {
    prop: 'portForward.basePort',
    when: (s) => !!s.portForward,
    value: (s) => s.portForward!.basePort,
    check: (v, s) => isIntIn(1024, 65535 - s.replicas + 1)(v),
    allowed: (s) => `a whole number from 1024 to ${65535 - s.replicas + 1} (broker i advertises 127.0.0.1:<basePort + i>)`,
  },
  {
    prop: 'external.addresses',
    when: (s) => !!s.external,
    value: (s) => s.external!.addresses,
    check: (v, s) => Array.isArray(v) && (v.length === 1 || v.length === s.replicas) && v.every((a: unknown) => typeof a === 'string' && /^[A-Za-z0-9.-]+$/.test(a) && a.length <= 253),
    allowed: (s) => `one host name or IP for all brokers, or one per broker (${s.replicas}), in ordinal order`,
  },
  {
    prop: 'external.nodePortBase',
    when: (s) => !!s.external,
    value: (s) => s.external!.nodePortBase,
    check: (v, s) => isIntIn(30000, 32767 - s.replicas + 1)(v),
    allowed: (s) => `a whole number from 30000 to ${32767 - s.replicas + 1} (broker i uses nodePortBase + i, within the NodePort range 30000-32767)`,
  },
  { prop: 'sasl.usersSecretName', when: (s) => !!s.sasl, value: (s) => s.sasl!.usersSecretName, check: isDnsSubdomain, allowed: 'the name of an existing Secret (DNS subdomain)' },
  { prop: 'sasl.superusers', when: (s) => !!s.sasl, value: (s) => s.sasl!.superusers, check: (v) => Array.isArray(v) && v.length > 0 && allUnique(v), allowed: 'at least one user name, no duplicates (the first is the bootstrap user)' },
  {
    prop: 'sasl.users',
    when: (s) => !!s.sasl,
    value: (s) => s.sasl!.users,
    check: (v) => v.every(isUserName),
    allowed: "user names of 1-128 characters from [-._a-zA-Z0-9] (they are keys of the users Secret; ':' and ',' would break SCRAM bootstrap)",
  },
  { prop: 'sasl.mechanism', when: (s) => !!s.sasl, value: (s) => s.sasl!.mechanism, check: (v) => Object.values(ScramMechanism).includes(v), allowed: enumValues(ScramMechanism) },
  {
    prop: 'tls',
    when: (s) => !!s.tls,
    value: (s) => ({ certManager: s.tls!.certManager, secretName: s.tls!.userSecret ? s.tls!.secretName : undefined }),
    check: (_v, s) => s.tls!.certManager !== s.tls!.userSecret,
    allowed: 'exactly one of certManager: true or secretName (a Secret with tls.crt, tls.key and ca.crt)',
  },
  { prop: 'tls.secretName', when: (s) => !!s.tls?.userSecret, value: (s) => s.tls!.secretName, check: isDnsSubdomain, allowed: 'a Secret name (DNS subdomain)' },
  { prop: 'tls.issuerName', when: (s) => s.tls?.issuerName !== undefined, value: (s) => s.tls!.issuerName, check: (v, s) => isDnsSubdomain(v) && s.tls!.certManager, allowed: 'an Issuer name (DNS subdomain), only together with certManager: true' },
  {
    prop: 'clusterConfig',
    value: (s) => s.clusterConfig,
    check: (v) => Object.entries(v).every(([k, val]) => /^[a-z][a-z0-9_]*$/.test(k) && typeof val === 'string'),
    allowed: "a map of Redpanda cluster property names (snake_case, e.g. 'log_retention_ms') to string values",
  },
  {
    prop: 'clusterConfig',
    value: (s) => Object.keys(s.clusterConfig).filter((k) => RESERVED_CLUSTER_CONFIG.includes(k)),
    check: (v) => v.length === 0,
    allowed: `any property except ${RESERVED_CLUSTER_CONFIG.join(', ')}, which this construct derives from replicas, storage.size and sasl`,
  },
];


/** Validates resolved settings (throws with every failure) and records warnings. */
export function validateRedpanda(scope: IConstruct, s: RedpandaSettings): void {
  validate(scope, KIND, s, REDPANDA_RULES);
  if (s.developerMode && s.profile === RedpandaProfile.PRODUCTION) {
    warn(scope, 'developerMode is on in the PRODUCTION profile: Redpanda skips memory checks and may acknowledge writes before fsync; data loss is possible.');
  }
  if (s.replicas === 2) {
    warn(scope, 'replicas: 2 cannot keep a Raft majority when one broker is down; use 1 for a lab or 3 or more for availability.');
  }
}
