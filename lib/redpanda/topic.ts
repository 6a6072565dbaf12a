import { Construct } from 'constructs';
import { IKafkaCluster, IKafkaTopic } from '../kafka/cluster';
import { KafkaTopicSpec, ResolvedTopicSpec, resolveTopicSpec } from '../kafka/topic-spec';

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
    const spec: ResolvedTopicSpec = resolveTopicSpec(this, 'RedpandaTopic', props, props.cluster.brokerCount);
    this.topicName = spec.topicName;
    this.partitions = spec.partitions;
    this.replicationFactor = spec.replicationFactor;
    this.config = spec.config;
    this.cluster = props.cluster;
  }
}
