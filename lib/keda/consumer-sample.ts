import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { envFromSecret } from '../common/secret-ref';
import { Construct } from 'constructs';
import { IMAGES, imageRef } from '../common/images';
import { commonLabels, selectorLabels } from '../common/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/security';
import { isNonNegativeInt, isPositiveInt, isServiceName, validate, ValidationRule } from '../common/validation';
import { IKafkaCluster, IKafkaTopic, IKafkaUser, KafkaAuthentication, KafkaCredentials } from '../kafka/cluster';
import { isScram, KafkaClientSettings, kafkaClientRules, resolveKafkaClient } from './client';
import { OffsetResetPolicy } from './props';
import { IScaleTarget } from './scale-target';
import { seconds } from './settings';

/** uid/gid of the `redpanda` user in the Redpanda image (which carries `rpk`). */
export const RPK_UID = 101;

/** Where the sample mounts the broker CA and the client certificate. */
export const CONSUMER_PATHS = {
  ca: '/etc/kafka/ca',
  client: '/etc/kafka/client',
  tmp: '/tmp',
} as const;

/** Props of {@link KafkaConsumerSample}. */
export interface KafkaConsumerSampleProps {
  /** The cluster to consume from, by reference. */
  readonly cluster: IKafkaCluster;
  /** The topic to consume (e.g. the lab's `dojo-test`). */
  readonly topic: IKafkaTopic;
  /** The consumer group the replicas share (and KEDA measures). */
  readonly consumerGroup: string;
  /** Name of the Deployment. @default - the construct id */
  readonly name?: string;
  /** Namespace; must be the cluster's when Secrets (CA, password) are mounted. @default - the chart's namespace */
  readonly namespace?: string;
  /** The listener to use. @default - the cluster's default client listener */
  readonly listenerName?: string;
  /** Credentials for a listener that authenticates clients, e.g. `redpanda.userCredentials('consumer')`. @default - none */
  readonly credentials?: KafkaCredentials;
  /** A Kafka user object whose credentials the consumer uses; alternative to `credentials`. @default - none */
  readonly user?: IKafkaUser;
  /**
   * Records each `rpk topic consume --num` run reads before it leaves the group and pauses. With the pause this
   * sets the consume rate (about recordsPerBatch / (pause + a few seconds of group join) per replica), slow enough
   * that a burst builds visible lag.
   * @default 10
   */
  readonly recordsPerBatch?: number;
  /** Pause between two batches. @default Duration.seconds(5) */
  readonly pauseBetweenBatches?: Duration;
  /** Where a group without a committed offset starts; pass the same value to the scaler. @default OffsetResetPolicy.EARLIEST */
  readonly offsetResetPolicy?: OffsetResetPolicy;
  /** Fixed replica count. Leave unset when KEDA scales the Deployment. @default - unset (Kubernetes starts 1; the autoscaler owns it) */
  readonly replicas?: number;
  /** Image that carries `rpk`. @default - IMAGES.redpanda */
  readonly image?: string;
}

/** Resolved settings of the sample. */
export interface KafkaConsumerSampleSettings extends KafkaClientSettings {
  readonly name: string;
  readonly topic: IKafkaTopic;
  readonly consumerGroup: string;
  readonly recordsPerBatch: number;
  readonly pauseSeconds: number;
  readonly offsetResetPolicy: OffsetResetPolicy;
  readonly replicas?: number;
  readonly image: string;
}

type S = KafkaConsumerSampleSettings;

const RULES: ReadonlyArray<ValidationRule<S>> = [
  { prop: 'name', value: (s) => s.name, check: isServiceName, allowed: 'a DNS label that starts with a letter (lower-case alphanumerics and -, at most 63 characters)' },
  {
    prop: 'consumerGroup',
    value: (s) => s.consumerGroup,
    check: (v) => typeof v === 'string' && v.length > 0 && v.trim() === v,
    allowed: 'a non-empty consumer group id without leading or trailing whitespace',
  },
  ...kafkaClientRules<S>('the consumer Deployment'),
  { prop: 'recordsPerBatch', value: (s) => s.recordsPerBatch, check: isPositiveInt, allowed: 'a whole number >= 1' },
  {
    prop: 'pauseBetweenBatches',
    value: (s) => s.pauseSeconds,
    check: (v) => Number.isInteger(v) && v >= 0,
    allowed: 'whole seconds >= 0, e.g. Duration.seconds(5)',
  },
  { prop: 'replicas', when: (s) => s.replicas !== undefined, value: (s) => s.replicas, check: isNonNegativeInt, allowed: 'a whole number >= 0' },
];

/**
 * The consumer loop. Each `rpk topic consume --num N` joins the group, reads N records from the committed offset,
 * commits and leaves; then the loop pauses. rpk runs in the background so SIGTERM reaches it at once (it leaves
 * the group cleanly) instead of waiting for the pod's grace period.
 */
export const CONSUMER_SCRIPT = [
  'trap \'kill "$child" 2>/dev/null; exit 0\' TERM INT',
  'while true; do',
  '  rpk topic consume "$TOPIC" --group "$GROUP" --offset "$START_OFFSET" --num "$RECORDS_PER_BATCH" --format \'%t/%p@%o %k\\n\' &',
  '  child=$!',
  '  wait "$child" || echo "rpk topic consume exited with $?; retrying after the pause" >&2',
  '  sleep "$PAUSE_SECONDS" &',
  '  child=$!',
  '  wait "$child"',
  'done',
].join('\n');

/** rpk's SASL mechanism name for a listener authentication. */
export function rpkSaslMechanism(a: KafkaAuthentication): string | undefined {
  if (a === KafkaAuthentication.SCRAM_SHA_256) return 'SCRAM-SHA-256';
  if (a === KafkaAuthentication.SCRAM_SHA_512) return 'SCRAM-SHA-512';
  return undefined;
}

/** Pod pieces (env, volumes, mounts) that connect rpk to the listener; rpk reads `RPK_*` as its `-X` options. */
export function rpkConnection(s: KafkaClientSettings): { env: k8s.EnvVar[]; volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const conn = s.connection!;
  const env: k8s.EnvVar[] = [{ name: 'RPK_BROKERS', value: conn.bootstrapServers }];
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  const creds = s.credentials;
  if (creds && isScram(creds.authentication)) {
    env.push(
      { name: 'RPK_SASL_MECHANISM', value: rpkSaslMechanism(creds.authentication) },
      { name: 'RPK_USER', value: creds.username },
      envFromSecret('RPK_PASS', creds.passwordSecret!),
    );
  }
  if (conn.tlsCaSecret) {
    env.push({ name: 'RPK_TLS_ENABLED', value: 'true' }, { name: 'RPK_TLS_CA', value: `${CONSUMER_PATHS.ca}/ca.crt` });
    volumes.push({
      name: 'kafka-ca',
      secret: { secretName: conn.tlsCaSecret.secretName, items: [{ key: conn.tlsCaSecret.key, path: 'ca.crt' }], defaultMode: 0o440 },
    });
    mounts.push({ name: 'kafka-ca', mountPath: CONSUMER_PATHS.ca, readOnly: true });
    if (creds?.certificateSecret && creds.keySecret) {
      env.push({ name: 'RPK_TLS_CERT', value: `${CONSUMER_PATHS.client}/tls.crt` }, { name: 'RPK_TLS_KEY', value: `${CONSUMER_PATHS.client}/tls.key` });
      volumes.push({
        name: 'kafka-client',
        projected: {
          defaultMode: 0o440,
          sources: [
            { secret: { name: creds.certificateSecret.secretName, items: [{ key: creds.certificateSecret.key, path: 'tls.crt' }] } },
            { secret: { name: creds.keySecret.secretName, items: [{ key: creds.keySecret.key, path: 'tls.key' }] } },
          ],
        },
      });
      mounts.push({ name: 'kafka-client', mountPath: CONSUMER_PATHS.client, readOnly: true });
    }
  }
  return { env, volumes, mounts };
}

/**
 * A sample consumer for the lab: a Deployment running `rpk topic consume` from the public Redpanda image (no
 * image of ours to build) in a consumer group, slowly, so that a burst produced to the topic builds lag that
 * KEDA can act on. Generic across Kafka flavors: bootstrap servers, TLS CA and SASL credentials come from the
 * {@link IKafkaCluster} by reference. Runs under PodSecurity `restricted`.
 *
 * It is an {@link IScaleTarget}: pass it as a {@link KafkaLagScaler}'s `target`.
 */
export class KafkaConsumerSample extends Construct implements IScaleTarget {
  public readonly apiVersion = 'apps/v1';
  public readonly kind = 'Deployment';
  /** Name of the Deployment. */
  public readonly name: string;
  /** Namespace of the Deployment. */
  public readonly namespace: string;
  /** The consumer group. */
  public readonly consumerGroup: string;
  /** The consumed topic. */
  public readonly topic: IKafkaTopic;
  /** The cluster. */
  public readonly cluster: IKafkaCluster;
  /** Where a group without a committed offset starts: give the scaler the same. */
  public readonly offsetResetPolicy: OffsetResetPolicy;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** Labels selecting the consumer pods, e.g. to admit them through a cluster's NetworkPolicy (`redpanda.allowFrom({ podLabels: consumer.podSelector })`). */
  public readonly podSelector: { [key: string]: string };

  constructor(scope: Construct, id: string, props: KafkaConsumerSampleProps) {
    super(scope, id);
    const s: S = {
      ...resolveKafkaClient(this, 'KafkaConsumerSample', props),
      name: props.name ?? id,
      topic: props.topic,
      consumerGroup: props.consumerGroup,
      recordsPerBatch: props.recordsPerBatch ?? 10,
      pauseSeconds: props.pauseBetweenBatches ? seconds(props.pauseBetweenBatches) : 5,
      offsetResetPolicy: props.offsetResetPolicy ?? OffsetResetPolicy.EARLIEST,
      replicas: props.replicas,
      image: props.image ?? imageRef(IMAGES.redpanda),
    };
    validate(this, 'KafkaConsumerSample', s, RULES);
    this.name = s.name;
    this.namespace = s.namespace;
    this.consumerGroup = s.consumerGroup;
    this.topic = s.topic;
    this.cluster = s.cluster;
    this.offsetResetPolicy = s.offsetResetPolicy;

    const ident = { app: 'kafka-consumer-sample', instance: s.name, component: 'consumer', version: props.image ? undefined : IMAGES.redpanda.tag };
    this.podSelector = selectorLabels(ident);
    const rpk = rpkConnection(s);
    const sec = { runAsUser: RPK_UID };
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: s.name, namespace: s.namespace, labels: commonLabels(ident) },
      spec: {
        replicas: s.replicas,
        selector: { matchLabels: selectorLabels(ident) },
        template: {
          metadata: { labels: commonLabels(ident) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(sec),
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'consumer',
                image: s.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/sh', '-c', CONSUMER_SCRIPT],
                env: [
                  { name: 'TOPIC', value: s.topic.topicName },
                  { name: 'GROUP', value: s.consumerGroup },
                  { name: 'START_OFFSET', value: s.offsetResetPolicy === OffsetResetPolicy.EARLIEST ? 'start' : 'end' },
                  { name: 'RECORDS_PER_BATCH', value: String(s.recordsPerBatch) },
                  { name: 'PAUSE_SECONDS', value: String(s.pauseSeconds) },
                  // rpk looks for ~/.config/rpk/rpk.yaml; HOME on the writable emptyDir keeps the root filesystem read-only.
                  { name: 'HOME', value: CONSUMER_PATHS.tmp },
                  ...rpk.env,
                ],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                  limits: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('128Mi') },
                },
                securityContext: restrictedContainerSecurityContext(sec),
                volumeMounts: [{ name: 'tmp', mountPath: CONSUMER_PATHS.tmp }, ...rpk.mounts],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } }, ...rpk.volumes],
          },
        },
      },
    });
  }
}
