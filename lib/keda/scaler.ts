import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ScaledObject, TriggerAuthentication } from '../../imports/keda.sh';
import { commonLabels } from '../common/labels';
import { IKafkaCluster, IKafkaTopic } from '../kafka/cluster';
import { scalerNames, ScalerNames, scaledObjectSpec, triggerAuthModel, triggerMetadata } from './model';
import { KafkaLagScalerProps } from './props';
import { KafkaLagScalerSettings, resolveKafkaLagScaler } from './settings';
import { validateKafkaLagScaler, warnKafkaLagScaler } from './validate';

/**
 * Scales a workload on the lag of a Kafka consumer group with KEDA (trigger type `kafka`, `keda.sh/v1alpha1`),
 * wired to an {@link IKafkaCluster} (Redpanda or Strimzi) by reference.
 *
 * Emits a ScaledObject (bootstrap servers: the listener's in-cluster FQDNs, since KEDA connects from its own
 * namespace; every trigger metadata value a string) and, when the listener uses SASL/SCRAM or TLS, a
 * TriggerAuthentication plus a small Secret with the non-secret parameters (user name, `sasl` and `tls` modes).
 * The password, CA, client certificate and key are referenced where the cluster keeps them, never copied.
 *
 * @example
 * const consumer = new KafkaConsumerSample(chart, 'consumer', { cluster: redpanda, topic: dojoTest, consumerGroup: 'dojo-consumer' });
 * new KafkaLagScaler(chart, 'scaler', { cluster: redpanda, topic: dojoTest, consumerGroup: 'dojo-consumer', target: consumer });
 */
export class KafkaLagScaler extends Construct {
  /** The ScaledObject. */
  public readonly scaledObject: ScaledObject;
  /** The TriggerAuthentication; undefined for a plaintext listener without authentication. */
  public readonly triggerAuthentication?: TriggerAuthentication;
  /** The Secret with the user name and the `sasl`/`tls` modes; present with the TriggerAuthentication. */
  public readonly parameterSecret?: k8s.KubeSecret;
  /** Names of the emitted objects and of the HPA KEDA creates. */
  public readonly names: ScalerNames;
  /** The cluster the scaler reads lag from. */
  public readonly cluster: IKafkaCluster;
  /** The measured topic, if any. */
  public readonly topic?: IKafkaTopic;
  /** The consumer group. */
  public readonly consumerGroup: string;
  /** The fully resolved settings (defaults applied). */
  public readonly settings: KafkaLagScalerSettings;

  constructor(scope: Construct, id: string, props: KafkaLagScalerProps) {
    super(scope, id);
    const s = resolveKafkaLagScaler(this, props);
    validateKafkaLagScaler(this, s);
    warnKafkaLagScaler(this, s);
    this.settings = s;
    this.cluster = s.cluster;
    this.topic = s.topic;
    this.consumerGroup = s.consumerGroup;
    this.names = scalerNames(s.name);

    const labels = commonLabels({ app: 'keda', instance: s.name, component: 'kafka-lag-scaler' });
    const auth = triggerAuthModel(s.connection!, s.credentials, this.names.paramSecret);
    if (auth) {
      this.parameterSecret = new k8s.KubeSecret(this, 'auth-params', {
        metadata: { name: this.names.paramSecret, namespace: s.namespace, labels },
        type: 'Opaque',
        // `data`, not `stringData`: the API server stores stringData as data, so a client-side re-apply of
        // stringData always reports a change.
        data: Object.fromEntries(Object.entries(auth.paramSecretData).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
      });
      this.triggerAuthentication = new TriggerAuthentication(this, 'auth', {
        metadata: { name: this.names.triggerAuthentication, namespace: s.namespace, labels },
        spec: { secretTargetRef: auth.secretTargetRefs.map((r) => ({ parameter: r.parameter, name: r.name, key: r.key })) },
      });
      this.triggerAuthentication.addDependency(this.parameterSecret);
    }
    this.scaledObject = new ScaledObject(this, 'scaled-object', {
      metadata: { name: this.names.scaledObject, namespace: s.namespace, labels },
      spec: scaledObjectSpec(s, auth ? this.names.triggerAuthentication : undefined),
    });
    if (this.triggerAuthentication) this.scaledObject.addDependency(this.triggerAuthentication);
    // A cdk8s-plus workload then omits spec.replicas, so applying the app never resets the autoscaler's choice.
    s.target.markHasAutoscaler?.();
  }

  /** The trigger metadata as emitted (all strings). */
  public get triggerMetadata(): { [key: string]: string } {
    return triggerMetadata(this.settings);
  }
}
