import { ValidationRule } from '../common/validation';

/**
 * `spec.kafka.config` prefixes the operator owns and rejects (Strimzi `KafkaClusterSpec.FORBIDDEN_PREFIXES`,
 * KRaft era): listeners, security, storage paths and node identity are rendered by the operator itself.
 */
export const FORBIDDEN_CONFIG_PREFIXES: ReadonlyArray<string> = [
  'listeners',
  'advertised.',
  'broker.',
  'listener.',
  'host.name',
  'port',
  'inter.broker.listener.name',
  'sasl.',
  'ssl.',
  'security.',
  'password.',
  'log.dir',
  'authorizer.',
  'super.user',
  'cruise.control.metrics.topic',
  'cruise.control.metrics.reporter.bootstrap.servers',
  'node.id',
  'process.roles',
  'controller.',
  'metadata.log.dir',
];

/** Keys under a forbidden prefix that are still allowed (Strimzi `FORBIDDEN_PREFIX_EXCEPTIONS`). */
export const FORBIDDEN_CONFIG_EXCEPTIONS: ReadonlyArray<string> = [
  'sasl.server.max.receive.size',
  'ssl.cipher.suites',
  'ssl.protocol',
  'ssl.enabled.protocols',
  'ssl.secure.random.implementation',
  'broker.session.timeout.ms',
  'cruise.control.metrics.topic.num.partitions',
  'cruise.control.metrics.topic.replication.factor',
  'cruise.control.metrics.topic.retention.ms',
  'cruise.control.metrics.topic.auto.create.retries',
  'cruise.control.metrics.topic.auto.create.timeout.ms',
  'cruise.control.metrics.topic.min.insync.replicas',
  'controller.quorum.election.backoff.max.ms',
  'controller.quorum.election.timeout.ms',
  'controller.quorum.fetch.timeout.ms',
];

/** The forbidden prefix a key falls under, or undefined when the operator accepts it. */
export function forbiddenPrefixOf(key: string): string | undefined {
  if (FORBIDDEN_CONFIG_EXCEPTIONS.includes(key)) return undefined;
  return FORBIDDEN_CONFIG_PREFIXES.find((p) => key.startsWith(p));
}

/** Replication settings of a cluster, derived from its broker count and overridable through `config`. */
export interface ReplicationSettings {
  readonly 'offsets.topic.replication.factor': number;
  readonly 'transaction.state.log.replication.factor': number;
  readonly 'transaction.state.log.min.isr': number;
  readonly 'default.replication.factor': number;
  readonly 'min.insync.replicas': number;
}

/** Config keys that carry replication factors (must be 1..brokers). */
export const REPLICATION_FACTOR_KEYS = ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'default.replication.factor'] as const;

/**
 * The upstream examples' replication settings, scaled to the broker count: RF = min(3, brokers) and min ISR =
 * RF - 1 (at least 1), so one broker can be down (or rolling) without blocking `acks=all` producers.
 * 1 broker: 1/1/1/1/1; 3 or more brokers: 3/3/2/3/2.
 */
export function replicationSettings(brokers: number): ReplicationSettings {
  const rf = Math.max(1, Math.min(3, brokers));
  const minIsr = Math.max(1, rf - 1);
  return {
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
  };
}

/** A config value as a whole number, or NaN. */
export function configInt(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : NaN;
  if (typeof v === 'string' && /^[0-9]+$/.test(v.trim())) return parseInt(v, 10);
  return NaN;
}

/** What the config rules need to know. */
export interface ConfigRuleContext {
  /** The merged broker config (derived replication settings, profile config, user config). */
  readonly config: { readonly [key: string]: string | number | boolean };
  /** Keys the user set (only these can hit forbidden prefixes; the derived ones never do). */
  readonly userConfigKeys: ReadonlyArray<string>;
  readonly brokerCount: number;
}

/** The broker-config rule table: forbidden prefixes, replication factors and min ISR against the broker count. */
export function configRules<S extends ConfigRuleContext>(s: S): ValidationRule<S>[] {
  const rules: ValidationRule<S>[] = s.userConfigKeys.map((key) => ({
    prop: `config['${key}']`,
    value: () => key,
    check: () => forbiddenPrefixOf(key) === undefined,
    allowed: `a key outside the operator-managed prefixes (${key} falls under '${forbiddenPrefixOf(key)}'; forbidden: ${FORBIDDEN_CONFIG_PREFIXES.join(', ')}; exceptions: ${FORBIDDEN_CONFIG_EXCEPTIONS.join(', ')})`,
  }));
  for (const key of REPLICATION_FACTOR_KEYS) {
    rules.push({
      prop: `config['${key}']`,
      value: (x) => x.config[key],
      check: (v, x) => configInt(v) >= 1 && configInt(v) <= x.brokerCount,
      // Without brokers the pool rules already fail; do not pile replication failures on top.
      when: (x) => x.brokerCount >= 1,
      allowed: (x) => `a whole number from 1 to the broker count (${x.brokerCount})`,
    });
  }
  rules.push(
    {
      prop: "config['min.insync.replicas']",
      value: (x) => x.config['min.insync.replicas'],
      check: (v, x) => configInt(v) >= 1 && configInt(v) <= configInt(x.config['default.replication.factor']),
      when: (x) => x.brokerCount >= 1,
      allowed: (x) => `a whole number from 1 to default.replication.factor (${x.config['default.replication.factor']})`,
    },
    {
      prop: "config['transaction.state.log.min.isr']",
      value: (x) => x.config['transaction.state.log.min.isr'],
      check: (v, x) => configInt(v) >= 1 && configInt(v) <= configInt(x.config['transaction.state.log.replication.factor']),
      when: (x) => x.brokerCount >= 1,
      allowed: (x) => `a whole number from 1 to transaction.state.log.replication.factor (${x.config['transaction.state.log.replication.factor']})`,
    },
  );
  return rules;
}
