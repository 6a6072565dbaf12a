import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { KafkaTopic } from '../../imports/kafka.strimzi.io';
import { commonLabels } from '../common/labels';
import { isDnsSubdomain, validate, ValidationRule } from '../common/validation';
import { IKafkaCluster, IKafkaTopic } from '../kafka/cluster';
import { KafkaTopicSpec, ResolvedTopicSpec, resolveTopicSpec } from '../kafka/topic-spec';
import { configInt } from './broker-config';
import type { StrimziKafka } from './kafka';
import { STRIMZI_CLUSTER_LABEL } from './names';

/** A topic as `StrimziKafka.addTopic()` takes it. */
export interface StrimziKafkaTopicOptions extends KafkaTopicSpec {
  /**
   * Name of the KafkaTopic resource. Needed only when two Kafka clusters in one namespace declare the same topic.
   * @default - the topic name when it is a valid resource name, otherwise a sanitised name with a hash suffix
   */
  readonly resourceName?: string;
}

/** Props of a StrimziKafkaTopic. */
export interface StrimziKafkaTopicProps extends StrimziKafkaTopicOptions {
  /** The cluster the topic lives on. */
  readonly cluster: StrimziKafka;
}

/**
 * The KafkaTopic resource name for a topic: the topic name itself when Kubernetes accepts it (the Strimzi
 * recommendation), otherwise a lowercase, `-`-separated form plus 8 hex digits of its sha1, so `Orders_v2` and
 * `orders-v2` never collide. Deterministic.
 */
export function topicResourceName(topicName: string): string {
  if (isDnsSubdomain(topicName)) return topicName;
  const hash = createHash('sha1').update(topicName).digest('hex').slice(0, 8);
  const base = topicName
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 200);
  return base ? `${base}-${hash}` : `topic-${hash}`;
}

/**
 * A KafkaTopic for the Topic Operator: labelled `strimzi.io/cluster`, in the cluster's namespace, with
 * partitions, replicas and config validated against the cluster (replication factor <= brokers, topic
 * `min.insync.replicas` <= replication factor, topic name unique on the cluster). Partitions can only grow and a
 * replication factor change needs Cruise Control; neither is visible at synth time.
 */
export class StrimziKafkaTopic extends Construct implements IKafkaTopic {
  public readonly topicName: string;
  public readonly partitions: number;
  public readonly replicationFactor: number;
  public readonly cluster: IKafkaCluster;
  /** Name of the KafkaTopic resource. */
  public readonly resourceName: string;
  /** Topic configs. */
  public readonly config: { [key: string]: string };
  /** The KafkaTopic resource. */
  public readonly kafkaTopic: KafkaTopic;

  constructor(scope: Construct, id: string, props: StrimziKafkaTopicProps) {
    super(scope, id);
    const cluster = props.cluster;
    const spec: ResolvedTopicSpec = resolveTopicSpec(this, 'StrimziKafkaTopic', props, cluster.brokerCount);
    const resourceName = props.resourceName ?? topicResourceName(spec.topicName);
    const rules: ValidationRule<ResolvedTopicSpec & { resourceName: string }>[] = [
      {
        prop: 'config.min.insync.replicas',
        value: (x) => x.config['min.insync.replicas'],
        check: (v, x) => configInt(v) >= 1 && configInt(v) <= x.replicationFactor,
        when: (x) => x.config['min.insync.replicas'] !== undefined,
        allowed: (x) => `a whole number from 1 to the topic's replication factor (${x.replicationFactor})`,
      },
      { prop: 'resourceName', value: (x) => x.resourceName, check: isDnsSubdomain, allowed: 'a Kubernetes resource name (lowercase RFC 1123 subdomain)' },
      {
        prop: 'topicName',
        value: (x) => x.topicName,
        check: (v) => cluster._topicDeclaredAt(v) === undefined,
        allowed: (x) => `a topic name not yet declared on cluster '${cluster.clusterName}' (already declared by ${cluster._topicDeclaredAt(x.topicName)})`,
      },
    ];
    validate(this, 'StrimziKafkaTopic', { ...spec, resourceName }, rules);
    cluster._registerTopic(spec.topicName, this.node.path);

    this.topicName = spec.topicName;
    this.partitions = spec.partitions;
    this.replicationFactor = spec.replicationFactor;
    this.config = spec.config;
    this.cluster = cluster;
    this.resourceName = resourceName;
    this.kafkaTopic = new KafkaTopic(this, 'topic', {
      metadata: {
        name: resourceName,
        namespace: cluster.namespace,
        labels: { ...commonLabels({ app: 'kafka', instance: cluster.clusterName, component: 'topic' }), [STRIMZI_CLUSTER_LABEL]: cluster.clusterName },
      },
      spec: {
        topicName: resourceName === spec.topicName ? undefined : spec.topicName,
        partitions: spec.partitions,
        replicas: spec.replicationFactor,
        config: Object.keys(spec.config).length ? { ...spec.config } : undefined,
      },
    });
  }
}
