import { IConstruct } from 'constructs';
import {
  isDnsLabel,
  isDnsSubdomain,
  isNonNegativeInt,
  isPositiveInt,
  show,
  validate,
  ValidationRule,
  warn,
} from '../common/validation';
import { kafkaClientRules } from './client';
import { KafkaLagScalerSettings, ResolvedScalingBehavior } from './settings';

/** Kinds in `apps/v1` that have a `/scale` subresource. */
export const SCALABLE_APPS_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet'];

type S = KafkaLagScalerSettings;

const isWholeSecondsIn = (lo: number, hi: number) => (v: unknown): boolean => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** Rules for one HPA behaviour direction (`scaleDown` or `scaleUp`). */
function behaviorRules(prop: 'scaleDown' | 'scaleUp', get: (s: S) => ResolvedScalingBehavior | undefined): ValidationRule<S>[] {
  return [
    {
      prop: `${prop}.stabilizationWindow`,
      when: (s) => get(s)?.stabilizationWindowSeconds !== undefined,
      value: (s) => get(s)!.stabilizationWindowSeconds,
      check: isWholeSecondsIn(0, 3600),
      allowed: 'whole seconds from 0 to 3600 (the HPA limit), e.g. Duration.minutes(5)',
    },
    {
      prop: `${prop}.policies`,
      when: (s) => get(s)?.policies !== undefined,
      value: (s) => get(s)!.policies,
      check: (v: { value: number; periodSeconds: number }[]) =>
        v.length > 0 && v.every((p) => isPositiveInt(p.value) && isWholeSecondsIn(1, 1800)(p.periodSeconds)),
      allowed: 'at least one policy, each with a whole value > 0 and a period of whole seconds from 1 to 1800',
    },
  ];
}

/** Every synth-time rule of KafkaLagScaler; all failures are reported together. */
export const KAFKA_LAG_SCALER_RULES: ReadonlyArray<ValidationRule<S>> = [
  {
    prop: 'name',
    value: (s) => s.name,
    check: isDnsLabel,
    allowed: 'a DNS label of at most 63 characters (KEDA puts it in the HPA label scaledobject.keda.sh/name)',
  },
  {
    prop: 'consumerGroup',
    value: (s) => s.consumerGroup,
    check: (v) => typeof v === 'string' && v.length > 0 && v.trim() === v,
    allowed: 'a non-empty consumer group id without leading or trailing whitespace',
  },
  {
    prop: 'target.name',
    value: (s) => s.target.name,
    check: isDnsSubdomain,
    allowed: 'the name of an existing workload (an RFC 1123 subdomain)',
  },
  {
    prop: 'target.kind',
    when: (s) => s.target.apiVersion === 'apps/v1',
    value: (s) => s.target.kind,
    check: (v) => SCALABLE_APPS_KINDS.includes(v),
    allowed: `a kind with a /scale subresource: ${SCALABLE_APPS_KINDS.join(', ')} (a DaemonSet cannot be scaled)`,
  },
  {
    prop: 'target',
    value: (s) => (s.target.fixedReplicas === undefined ? undefined : `${s.target.kind} '${s.target.name}' with replicas: ${s.target.fixedReplicas}`),
    check: (v) => v === undefined,
    allowed: 'a workload without a fixed replica count (each apply would reset what the autoscaler chose); omit `replicas` on it',
  },
  {
    prop: 'target.namespace',
    when: (s) => s.target.namespace !== undefined,
    value: (s) => s.target.namespace,
    check: (v, s) => v === s.namespace,
    allowed: (s) => `the ScaledObject's namespace '${s.namespace}' (scaleTargetRef cannot cross namespaces)`,
  },
  ...kafkaClientRules<S>('the TriggerAuthentication'),
  {
    prop: 'lagThreshold',
    value: (s) => s.lagThreshold,
    check: isPositiveInt,
    allowed: 'a whole number > 0 (target lag per replica)',
  },
  {
    prop: 'activationLagThreshold',
    value: (s) => s.activationLagThreshold,
    check: isNonNegativeInt,
    allowed: 'a whole number >= 0 (the workload wakes when the lag is greater than this)',
  },
  {
    prop: 'minReplicas',
    value: (s) => s.minReplicas,
    check: isNonNegativeInt,
    allowed: 'a whole number >= 0',
  },
  {
    prop: 'maxReplicas',
    value: (s) => s.maxReplicas,
    check: isPositiveInt,
    allowed: 'a whole number >= 1',
  },
  {
    prop: 'minReplicas',
    when: (s) => Number.isInteger(s.minReplicas) && Number.isInteger(s.maxReplicas),
    value: (s) => s.minReplicas,
    check: (v, s) => v <= s.maxReplicas,
    allowed: (s) => `at most maxReplicas (${s.maxReplicas})`,
  },
  {
    prop: 'idleReplicas',
    when: (s) => s.idleReplicas !== undefined,
    value: (s) => s.idleReplicas,
    check: (v, s) => v === 0 && s.minReplicas > 0,
    allowed: (s) => `only 0, and only with minReplicas >= 1 (it must be below minReplicas, now ${s.minReplicas}); KEDA supports no other idle count`,
  },
  {
    prop: 'pollingInterval',
    value: (s) => s.pollingIntervalSeconds,
    check: isWholeSecondsIn(1, Number.MAX_SAFE_INTEGER),
    allowed: 'whole seconds >= 1, e.g. Duration.seconds(30)',
  },
  {
    prop: 'cooldownPeriod',
    value: (s) => s.cooldownPeriodSeconds,
    check: isWholeSecondsIn(0, Number.MAX_SAFE_INTEGER),
    allowed: 'whole seconds >= 0, e.g. Duration.minutes(5)',
  },
  {
    prop: 'limitToPartitionsWithLag',
    when: (s) => s.limitToPartitionsWithLag,
    value: (s) => s.limitToPartitionsWithLag,
    check: (_v, s) => s.topic !== undefined,
    allowed: 'true only together with `topic` (the partitions are counted per topic)',
  },
  {
    prop: 'ensureEvenDistributionOfPartitions',
    when: (s) => s.ensureEvenDistributionOfPartitions,
    value: (s) => s.ensureEvenDistributionOfPartitions,
    check: (_v, s) => s.topic !== undefined,
    allowed: "true only together with `topic` (replicas are rounded to factors of the topic's partition count)",
  },
  {
    prop: 'partitionLimitation',
    when: (s) => s.partitionLimitation !== undefined,
    value: (s) => s.partitionLimitation,
    check: (_v, s) => s.topic !== undefined,
    allowed: 'partition ids only together with `topic` (KEDA ignores them otherwise)',
  },
  {
    prop: 'partitionLimitation',
    when: (s) => s.partitionLimitation !== undefined && s.topic !== undefined,
    value: (s) => s.partitionLimitation,
    check: (v: number[], s) => v.length > 0 && new Set(v).size === v.length && v.every((p) => Number.isInteger(p) && p >= 0 && p < s.topic!.partitions),
    allowed: (s) => `distinct partition ids of topic '${s.topic!.topicName}', 0 to ${s.topic!.partitions - 1}`,
  },
  {
    prop: 'limitToPartitionsWithLag',
    when: (s) => s.limitToPartitionsWithLag,
    value: (s) => s.limitToPartitionsWithLag,
    check: (_v, s) => !s.allowIdleConsumers,
    allowed: 'true only without allowIdleConsumers (KEDA rejects the pair: one caps replicas, the other lifts the cap)',
  },
  {
    prop: 'limitToPartitionsWithLag',
    when: (s) => s.limitToPartitionsWithLag,
    value: (s) => s.limitToPartitionsWithLag,
    check: (_v, s) => !s.ensureEvenDistributionOfPartitions,
    allowed: 'true only without ensureEvenDistributionOfPartitions (KEDA rejects the pair)',
  },
  {
    prop: 'fallback.failureThreshold',
    when: (s) => s.fallback !== undefined,
    value: (s) => s.fallback!.failureThreshold,
    check: isPositiveInt,
    allowed: 'a whole number >= 1 (failed polls before the fallback applies)',
  },
  {
    prop: 'fallback.replicas',
    when: (s) => s.fallback !== undefined,
    value: (s) => s.fallback!.replicas,
    check: (v, s) => isNonNegativeInt(v) && v <= s.maxReplicas,
    allowed: (s) => `a whole number from 0 to maxReplicas (${s.maxReplicas})`,
  },
  ...behaviorRules('scaleDown', (s) => s.scaleDown),
  ...behaviorRules('scaleUp', (s) => s.scaleUp),
  {
    prop: 'kafkaVersion',
    when: (s) => s.kafkaVersion !== undefined,
    value: (s) => s.kafkaVersion,
    check: (v) => typeof v === 'string' && /^[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?$/.test(v),
    allowed: "a Kafka version such as '3.9.0'",
  },
];

/** Validates resolved settings; throws a DatastreamValidationError listing every failure. */
export function validateKafkaLagScaler(scope: IConstruct, s: S): void {
  validate(scope, 'KafkaLagScaler', s, KAFKA_LAG_SCALER_RULES);
}

/** Non-fatal findings, recorded with `warn()` (run after validation passed). */
export function kafkaLagScalerWarnings(s: S): string[] {
  const out: string[] = [];
  if (s.topic && s.maxReplicas > s.topic.partitions && !s.allowIdleConsumers) {
    out.push(
      `maxReplicas ${s.maxReplicas} exceeds the ${s.topic.partitions} partitions of topic '${s.topic.topicName}': KEDA caps the lag at ` +
        `partitions x lagThreshold, so at most ${s.topic.partitions} replicas will run (set allowIdleConsumers to go beyond, or lower maxReplicas)`,
    );
  }
  if (s.minReplicas === 0 && !s.topic) {
    out.push(
      `minReplicas 0 without a topic: once scaled to zero, the group ${show(s.consumerGroup)} has no members and KEDA may no longer find ` +
        'its topics to measure lag, so the workload can stay at zero; pass `topic` or keep minReplicas >= 1',
    );
  }
  return out;
}

/** Records the warnings on the construct. */
export function warnKafkaLagScaler(scope: IConstruct, s: S): void {
  for (const w of kafkaLagScalerWarnings(s)) warn(scope, w);
}
