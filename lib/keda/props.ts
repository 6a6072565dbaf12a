import { Duration } from 'cdk8s';
import { IKafkaCluster, IKafkaTopic, IKafkaUser, KafkaCredentials } from '../kafka/cluster';
import { IScaleTarget } from './scale-target';

/** Where a consumer group without a committed offset starts reading (the consumer's `auto.offset.reset`). */
export enum OffsetResetPolicy {
  /** Start at the end of the log (Kafka's default). */
  LATEST = 'latest',
  /** Start at the beginning of the log (`rpk topic consume --offset start`, the sample consumer's default). */
  EARLIEST = 'earliest',
}

/** What KEDA does with the replica count after the scaler failed `failureThreshold` times in a row. */
export enum FallbackBehavior {
  /** Always set `replicas`. */
  STATIC = 'static',
  /** Keep the current replica count. */
  CURRENT_REPLICAS = 'currentReplicas',
  /** The higher of the current count and `replicas`: never shrinks the fleet while lag is unknown. */
  CURRENT_REPLICAS_IF_HIGHER = 'currentReplicasIfHigher',
  /** The lower of the current count and `replicas`. */
  CURRENT_REPLICAS_IF_LOWER = 'currentReplicasIfLower',
}

/** How an HPA scaling policy counts its step. */
export enum ScalingPolicyType {
  /** An absolute number of pods. */
  PODS = 'Pods',
  /** A percentage of the current replicas. */
  PERCENT = 'Percent',
}

/** Which policy wins when several apply. */
export enum ScalingPolicySelect {
  /** The policy that allows the biggest change. */
  MAX = 'Max',
  /** The policy that allows the smallest change. */
  MIN = 'Min',
  /** Scaling in this direction is disabled. */
  DISABLED = 'Disabled',
}

/** One HPA scaling policy: at most `value` (pods or percent) per `period`. */
export interface ScalingPolicy {
  /** Pods or percent. */
  readonly type: ScalingPolicyType;
  /** The amount of change the policy permits (> 0). */
  readonly value: number;
  /** The window the policy applies to (1 s to 30 min). */
  readonly period: Duration;
}

/** HPA behaviour in one direction (`advanced.horizontalPodAutoscalerConfig.behavior.scaleUp|scaleDown`). */
export interface ScalingBehavior {
  /** How long past recommendations are considered before acting (0 to 1 h). @default - the HPA's: 300 s down, 0 s up */
  readonly stabilizationWindow?: Duration;
  /** Rate limits. @default - the HPA's */
  readonly policies?: ScalingPolicy[];
  /** Which policy wins. @default ScalingPolicySelect.MAX */
  readonly selectPolicy?: ScalingPolicySelect;
}

/** What KEDA does when it cannot read the lag (`spec.fallback`). */
export interface ScalerFallback {
  /** Emit the fallback block at all. @default true */
  readonly enabled?: boolean;
  /** Consecutive failed polls before the fallback applies. @default 3 */
  readonly failureThreshold?: number;
  /** Replica count the fallback uses. @default - max(minReplicas, 1) */
  readonly replicas?: number;
  /**
   * How `replicas` is applied.
   * @default FallbackBehavior.CURRENT_REPLICAS_IF_HIGHER - a broker outage or an expired credential must not
   * shrink the consumers (kedacore/keda#4098: lag errors once scaled consumers to zero)
   */
  readonly behavior?: FallbackBehavior;
}

/** Props of {@link KafkaLagScaler}. */
export interface KafkaLagScalerProps {
  /** The Kafka cluster (Redpanda or Strimzi), by reference: bootstrap servers, TLS CA and auth come from it. */
  readonly cluster: IKafkaCluster;
  /**
   * The topic whose lag is measured. Strongly recommended: it pins the metric to one topic, lets KEDA find the
   * lag again after scaling to zero, enables the partition-limited options, and its partition count caps the
   * useful replica count (checked at synth time).
   * @default - every topic the group has committed offsets for
   */
  readonly topic?: IKafkaTopic;
  /** The consumer group whose committed offsets are compared with the log end. */
  readonly consumerGroup: string;
  /** The workload to scale: a cdk8s-plus Deployment/StatefulSet, an L1 KubeDeployment/KubeStatefulSet, a {@link KafkaConsumerSample}, or {@link ScaleTarget.fromAttributes}. */
  readonly target: IScaleTarget;
  /**
   * Name of the ScaledObject (and prefix of the TriggerAuthentication and its parameter Secret). KEDA names the
   * HPA `keda-hpa-<name>`.
   * @default - the target's name
   */
  readonly name?: string;
  /** Namespace. Must be the target's and, when auth Secrets are needed, the cluster's. @default - the chart's namespace */
  readonly namespace?: string;
  /** The cluster listener KEDA connects to. @default - the cluster's default client listener */
  readonly listenerName?: string;
  /**
   * Credentials KEDA authenticates with, e.g. `redpanda.userCredentials('consumer')`. Needs read access
   * (Describe on the topic, Describe/Read on the group).
   * @default - none; required when the listener authenticates clients
   */
  readonly credentials?: KafkaCredentials;
  /** A Kafka user object (e.g. a Strimzi KafkaUser) whose credentials KEDA uses; alternative to `credentials`. @default - none */
  readonly user?: IKafkaUser;
  /** Target lag per replica: desired replicas ≈ total lag / lagThreshold. @default 10 (KEDA's default) */
  readonly lagThreshold?: number;
  /** The workload wakes from zero when the total lag is strictly greater than this. @default 0 (KEDA's default) */
  readonly activationLagThreshold?: number;
  /**
   * Lowest replica count; 0 lets KEDA scale the workload to zero when there is no lag.
   * @default - 0 with a `topic` (KEDA can always measure it and wake the consumer); 1 without one (after scaling
   * to zero KEDA may no longer find the group's topics, kedacore/keda docs)
   */
  readonly minReplicas?: number;
  /**
   * Highest replica count.
   * @default - the topic's partition count (consumers beyond it sit idle), at least minReplicas; 100 (KEDA's
   * default) without a topic
   */
  readonly maxReplicas?: number;
  /** Replica count while there is no activity; KEDA only supports 0, below minReplicas. @default - none */
  readonly idleReplicas?: number;
  /** How often KEDA checks the lag. @default Duration.seconds(30) */
  readonly pollingInterval?: Duration;
  /** How long to wait after the last activity before scaling to zero (1→0 only; 1↔N is the HPA's). @default Duration.minutes(5) */
  readonly cooldownPeriod?: Duration;
  /** Must match the consumer's `auto.offset.reset`. @default OffsetResetPolicy.LATEST */
  readonly offsetResetPolicy?: OffsetResetPolicy;
  /** Allow more replicas than partitions (KEDA otherwise caps the metric at partitions × lagThreshold). @default false */
  readonly allowIdleConsumers?: boolean;
  /**
   * What a partition without a committed offset counts as: `false` = 1 (latest) or the whole log (earliest),
   * `true` = 0.
   * @default - true only when minReplicas is 0 and offsetResetPolicy is LATEST: otherwise a group that never
   * committed reports lag 1 per partition and KEDA keeps one idle consumer forever (kedacore/keda#2033). With
   * EARLIEST the whole log is the right wake-up signal, and `true` would pin a new group at zero (kedacore/keda#2400).
   */
  readonly scaleToZeroOnInvalidOffset?: boolean;
  /** Ignore partitions whose committed offset did not move since the last poll (stuck messages) for scaling; they still count for activation. @default false */
  readonly excludePersistentLag?: boolean;
  /** Cap replicas at the number of partitions with lag > 0. Needs `topic`. @default false */
  readonly limitToPartitionsWithLag?: boolean;
  /** Round replicas up to a factor of the partition count (6 partitions → 1, 2, 3 or 6). Needs `topic`. @default false */
  readonly ensureEvenDistributionOfPartitions?: boolean;
  /** Only measure these partition ids of the topic. Needs `topic`. @default - all partitions */
  readonly partitionLimitation?: number[];
  /** What to do when the lag cannot be read. @default - after 3 failed polls, keep at least max(minReplicas, 1) and never shrink (CURRENT_REPLICAS_IF_HIGHER) */
  readonly fallback?: ScalerFallback;
  /**
   * HPA scale-down behaviour.
   * @default - one pod per minute after a 5-minute stabilization window: every member leaving a group triggers a
   * rebalance that pauses consumption, so shrinking slowly avoids rebalance storms after a burst
   */
  readonly scaleDown?: ScalingBehavior;
  /** HPA scale-up behaviour. @default - the HPA's (double or +4 pods per 15 s) */
  readonly scaleUp?: ScalingBehavior;
  /** Kafka protocol version the scaler's Sarama client assumes (trigger `version`). @default - KEDA's (1.0.0) */
  readonly kafkaVersion?: string;
}
