import { IConstruct } from 'constructs';
import { isPositiveInt, validate, ValidationRule } from '../common/validation';

/** What both Kafka flavors accept when declaring a topic. */
export interface KafkaTopicSpec {
  /** The topic name as Kafka sees it. */
  readonly topicName: string;
  /** Partition count. @default 1 */
  readonly partitions?: number;
  /** Replication factor. @default - min(3, broker count) */
  readonly replicationFactor?: number;
  /** Topic-level configs, e.g. `{ 'retention.ms': '86400000' }`. @default - none */
  readonly config?: { [key: string]: string };
}

/** Legal Kafka topic names: 1–249 of `[a-zA-Z0-9._-]`, not `.` or `..`. */
export const isTopicName = (v: unknown): boolean => typeof v === 'string' && /^[a-zA-Z0-9._-]{1,249}$/.test(v) && v !== '.' && v !== '..';

/** The default replication factor for a cluster of `brokers` brokers. */
export function defaultReplicationFactor(brokers: number): number {
  return Math.max(1, Math.min(3, brokers));
}

/** A topic spec with every default applied. */
export interface ResolvedTopicSpec {
  readonly topicName: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: { [key: string]: string };
}

/** Applies defaults and validates a topic spec against the broker count; throws with every failure. */
export function resolveTopicSpec(scope: IConstruct, kind: string, spec: KafkaTopicSpec, brokers: number): ResolvedTopicSpec {
  const s: ResolvedTopicSpec = {
    topicName: spec.topicName,
    partitions: spec.partitions ?? 1,
    replicationFactor: spec.replicationFactor ?? defaultReplicationFactor(brokers),
    config: { ...(spec.config ?? {}) },
  };
  const rules: ValidationRule<ResolvedTopicSpec>[] = [
    { prop: 'topicName', value: (x) => x.topicName, check: isTopicName, allowed: "1-249 characters of [a-zA-Z0-9._-], not '.' or '..'" },
    { prop: 'partitions', value: (x) => x.partitions, check: isPositiveInt, allowed: 'a whole number >= 1' },
    {
      prop: 'replicationFactor',
      value: (x) => x.replicationFactor,
      check: (v) => isPositiveInt(v) && v <= brokers,
      allowed: `a whole number from 1 to the broker count (${brokers})`,
    },
    {
      prop: 'config',
      value: (x) => x.config,
      check: (v) => Object.entries(v).every(([k, val]) => /^[a-z0-9.]+$/.test(k) && typeof val === 'string'),
      allowed: "a map of Kafka topic config keys (e.g. 'retention.ms') to string values",
    },
  ];
  validate(scope, kind, s, rules);
  return s;
}
