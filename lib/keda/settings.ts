import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KafkaClientSettings, resolveKafkaClient } from './client';
import {
  FallbackBehavior,
  KafkaLagScalerProps,
  OffsetResetPolicy,
  ScalingPolicySelect,
  ScalingPolicyType,
} from './props';
import { ResolvedScaleTarget, resolveScaleTarget } from './scale-target';

/** KEDA's defaults, pinned here so the emitted object is explicit about them. */
export const KEDA_DEFAULTS = {
  lagThreshold: 10,
  activationLagThreshold: 0,
  pollingIntervalSeconds: 30,
  cooldownPeriodSeconds: 300,
  maxReplicasWithoutTopic: 100,
  fallbackFailureThreshold: 3,
} as const;

/** One resolved HPA scaling policy. */
export interface ResolvedScalingPolicy {
  readonly type: ScalingPolicyType;
  readonly value: number;
  readonly periodSeconds: number;
}

/** One resolved HPA behaviour direction. */
export interface ResolvedScalingBehavior {
  readonly stabilizationWindowSeconds?: number;
  readonly policies?: ResolvedScalingPolicy[];
  readonly selectPolicy?: ScalingPolicySelect;
}

/** Resolved fallback. */
export interface ResolvedFallback {
  readonly failureThreshold: number;
  readonly replicas: number;
  readonly behavior: FallbackBehavior;
}

/** Every prop of a KafkaLagScaler with its default applied; the input of validation and of the model. */
export interface KafkaLagScalerSettings extends KafkaClientSettings {
  readonly name: string;
  readonly consumerGroup: string;
  readonly target: ResolvedScaleTarget;
  readonly lagThreshold: number;
  readonly activationLagThreshold: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly idleReplicas?: number;
  readonly pollingIntervalSeconds: number;
  readonly cooldownPeriodSeconds: number;
  readonly offsetResetPolicy: OffsetResetPolicy;
  readonly allowIdleConsumers: boolean;
  readonly scaleToZeroOnInvalidOffset: boolean;
  readonly excludePersistentLag: boolean;
  readonly limitToPartitionsWithLag: boolean;
  readonly ensureEvenDistributionOfPartitions: boolean;
  readonly partitionLimitation?: number[];
  readonly fallback?: ResolvedFallback;
  readonly scaleDown?: ResolvedScalingBehavior;
  readonly scaleUp?: ResolvedScalingBehavior;
  readonly kafkaVersion?: string;
}

/** Seconds in a Duration, fractional values kept (validation rejects them with the prop name). */
export function seconds(d: Duration): number {
  return d.toSeconds({ integral: false });
}

function resolveBehavior(b: KafkaLagScalerProps['scaleDown']): ResolvedScalingBehavior | undefined {
  if (!b) return undefined;
  return {
    stabilizationWindowSeconds: b.stabilizationWindow ? seconds(b.stabilizationWindow) : undefined,
    policies: b.policies?.map((p) => ({ type: p.type, value: p.value, periodSeconds: seconds(p.period) })),
    selectPolicy: b.selectPolicy,
  };
}

/** The default scale-down: one pod per minute after the HPA's usual five-minute stabilization window. */
export const DEFAULT_SCALE_DOWN: ResolvedScalingBehavior = {
  stabilizationWindowSeconds: 300,
  policies: [{ type: ScalingPolicyType.PODS, value: 1, periodSeconds: 60 }],
  selectPolicy: ScalingPolicySelect.MAX,
};

/** Applies every default (with the reason in the props' TSDoc). Pure apart from reading the referenced objects. */
export function resolveKafkaLagScaler(scope: IConstruct, props: KafkaLagScalerProps): KafkaLagScalerSettings {
  const client = resolveKafkaClient(scope, 'KafkaLagScaler', props);
  const target = resolveScaleTarget(props.target);
  const topic = props.topic;
  const minReplicas = props.minReplicas ?? (topic ? 0 : 1);
  const maxReplicas = props.maxReplicas ?? (topic ? Math.max(topic.partitions, minReplicas, 1) : Math.max(KEDA_DEFAULTS.maxReplicasWithoutTopic, minReplicas));
  const offsetResetPolicy = props.offsetResetPolicy ?? OffsetResetPolicy.LATEST;
  const fb = props.fallback ?? {};
  const fallback: ResolvedFallback | undefined =
    fb.enabled === false
      ? undefined
      : {
        failureThreshold: fb.failureThreshold ?? KEDA_DEFAULTS.fallbackFailureThreshold,
        replicas: fb.replicas ?? Math.min(Math.max(minReplicas, 1), Math.max(maxReplicas, 1)),
        behavior: fb.behavior ?? FallbackBehavior.CURRENT_REPLICAS_IF_HIGHER,
      };
  return {
    ...client,
    name: props.name ?? target.name,
    consumerGroup: props.consumerGroup,
    target,
    lagThreshold: props.lagThreshold ?? KEDA_DEFAULTS.lagThreshold,
    activationLagThreshold: props.activationLagThreshold ?? KEDA_DEFAULTS.activationLagThreshold,
    minReplicas,
    maxReplicas,
    idleReplicas: props.idleReplicas,
    pollingIntervalSeconds: props.pollingInterval ? seconds(props.pollingInterval) : KEDA_DEFAULTS.pollingIntervalSeconds,
    cooldownPeriodSeconds: props.cooldownPeriod ? seconds(props.cooldownPeriod) : KEDA_DEFAULTS.cooldownPeriodSeconds,
    offsetResetPolicy,
    allowIdleConsumers: props.allowIdleConsumers ?? false,
    scaleToZeroOnInvalidOffset: props.scaleToZeroOnInvalidOffset ?? (minReplicas === 0 && offsetResetPolicy === OffsetResetPolicy.LATEST),
    excludePersistentLag: props.excludePersistentLag ?? false,
    limitToPartitionsWithLag: props.limitToPartitionsWithLag ?? false,
    ensureEvenDistributionOfPartitions: props.ensureEvenDistributionOfPartitions ?? false,
    partitionLimitation: props.partitionLimitation ? [...props.partitionLimitation] : undefined,
    fallback,
    scaleDown: resolveBehavior(props.scaleDown) ?? DEFAULT_SCALE_DOWN,
    scaleUp: resolveBehavior(props.scaleUp),
    kafkaVersion: props.kafkaVersion,
  };
}
