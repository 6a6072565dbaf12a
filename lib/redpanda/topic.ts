import { Construct } from 'constructs';
import { IKafkaCluster, IKafkaTopic } from '../kafka/cluster';
import { validate } from '../common/validation';
import { defaultReplicationFactor, KafkaTopicSpec, ResolvedTopicSpec, resolveTopicSpec } from '../kafka/topic-spec';

/** Props of {@link RedpandaTopic}. */
export interface RedpandaTopicProps extends KafkaTopicSpec {
  /** The cluster the topic lives on. */
  readonly cluster: IKafkaCluster;
}

/**
 * A topic on a Redpanda cluster. It emits no object of its own: the cluster's configure Job (a plain Job running
 * `rpk`, no operator needed) creates it if missing, raises its partition count and sets its configs, idempotently.
 * Create it with `redpanda.addTopic(...)`.
 */
export class RedpandaTopic extends Construct implements IKafkaTopic {
  public readonly topicName: string;
  public readonly partitions: number;
  public readonly replicationFactor: number;
  public readonly cluster: IKafkaCluster;
  /** Topic configs. */
  public readonly config: { [key: string]: string };

  constructor(scope: Construct, id: string, props: RedpandaTopicProps) {
    super(scope, id);
    // Redpanda replicates with Raft and rejects even replication factors (INVALID_REPLICATION_FACTOR): the default
    // is the largest odd factor up to min(3, brokers), so 2 brokers still get topics.
    const brokers = props.cluster.brokerCount;
    const fallback = defaultReplicationFactor(brokers) % 2 ? defaultReplicationFactor(brokers) : defaultReplicationFactor(brokers) - 1;
    const spec: ResolvedTopicSpec = resolveTopicSpec(this, 'RedpandaTopic', { ...props, replicationFactor: props.replicationFactor ?? fallback }, brokers);
    validate(this, 'RedpandaTopic', spec, [
      {
        prop: 'replicationFactor',
        value: (x) => x.replicationFactor,
        check: (v) => v % 2 === 1,
        allowed: `an odd number up to the broker count (${brokers}): Redpanda replicates with Raft and rejects even replication factors`,
      },
    ]);
    this.topicName = spec.topicName;
    this.partitions = spec.partitions;
    this.replicationFactor = spec.replicationFactor;
    this.config = spec.config;
    this.cluster = props.cluster;
  }
}
