/**
 * Pure model of a KafkaLagScaler: trigger metadata, TriggerAuthentication parameters, the parameter Secret and
 * the ScaledObject spec, computed from resolved settings. No constructs here; most unit tests target these.
 */
import {
  ScaledObjectSpec,
  ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehaviorScaleDown,
  ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehaviorScaleUp,
  ScaledObjectSpecFallbackBehavior,
} from '../../imports/keda.sh';
import { KafkaAuthentication, KafkaCredentials, KafkaListenerConnection } from '../kafka/cluster';
import { KafkaLagScalerSettings, ResolvedScalingBehavior } from './settings';

/** KEDA's `sasl` parameter for a listener authentication; undefined when the mechanism is not SASL. */
export function kedaSaslMode(auth: KafkaAuthentication): string | undefined {
  switch (auth) {
    case KafkaAuthentication.SCRAM_SHA_256:
      return 'scram_sha256';
    case KafkaAuthentication.SCRAM_SHA_512:
      return 'scram_sha512';
    default:
      return undefined;
  }
}

/**
 * The `kafka` trigger's metadata. Every value is a string (KEDA rejects numbers and booleans in
 * `triggers[].metadata`). `sasl` and `tls` are not here: they are TriggerAuthentication parameters (see
 * {@link triggerAuthParameters}). For `type: kafka` trigger metadata would win over them; keeping one source
 * avoids the mix-ups of kedacore/keda#4689 and #6977.
 */
export function triggerMetadata(s: KafkaLagScalerSettings): { [key: string]: string } {
  const m: { [key: string]: string } = {
    bootstrapServers: s.connection!.bootstrapServers,
    consumerGroup: s.consumerGroup,
  };
  if (s.topic) m.topic = s.topic.topicName;
  m.lagThreshold = String(s.lagThreshold);
  m.activationLagThreshold = String(s.activationLagThreshold);
  m.offsetResetPolicy = s.offsetResetPolicy;
  m.allowIdleConsumers = String(s.allowIdleConsumers);
  m.scaleToZeroOnInvalidOffset = String(s.scaleToZeroOnInvalidOffset);
  m.excludePersistentLag = String(s.excludePersistentLag);
  if (s.topic) {
    m.limitToPartitionsWithLag = String(s.limitToPartitionsWithLag);
    m.ensureEvenDistributionOfPartitions = String(s.ensureEvenDistributionOfPartitions);
  }
  if (s.topic && s.partitionLimitation) m.partitionLimitation = partitionRanges(s.partitionLimitation);
  if (s.kafkaVersion) m.version = s.kafkaVersion;
  return m;
}

/** `[0, 1, 2, 5, 7, 8]` → `0-2,5,7-8` (KEDA's partitionLimitation syntax), sorted. */
export function partitionRanges(ids: number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** One TriggerAuthentication `secretTargetRef` entry. */
export interface SecretTargetRef {
  readonly parameter: string;
  readonly name: string;
  readonly key: string;
}

/** Keys of the parameter Secret the scaler writes. */
export const PARAM_KEYS = { username: 'username', sasl: 'sasl', tls: 'tls' } as const;

/** What the TriggerAuthentication needs: whether it exists at all, the parameter Secret's content and the refs. */
export interface TriggerAuthModel {
  /** The Secret the scaler emits (user name and the `sasl`/`tls` modes: no secret values), base64 in `data`. */
  readonly paramSecretData: { [key: string]: string };
  /** secretTargetRef entries, in a stable order. */
  readonly secretTargetRefs: SecretTargetRef[];
}

/**
 * Maps a listener and credentials to KEDA auth parameters; undefined for a plaintext listener without
 * authentication. Strimzi's user Secret has no `username` key and KEDA reads `username` only from auth params,
 * and KEDA takes no literal values in a TriggerAuthentication: so the user name and the `sasl`/`tls` modes go
 * into a small Secret the scaler writes (`paramSecretName`); the password, CA, certificate and key are referenced
 * where the cluster keeps them (for Strimzi, `ca` is the cluster CA `<cluster>-cluster-ca-cert/ca.crt`, never
 * the user Secret's `ca.crt`, which is the clients CA).
 */
export function triggerAuthModel(
  conn: KafkaListenerConnection,
  creds: KafkaCredentials | undefined,
  paramSecretName: string,
): TriggerAuthModel | undefined {
  const sasl = creds ? kedaSaslMode(creds.authentication) : undefined;
  const tls = conn.tlsCaSecret !== undefined;
  if (!sasl && !tls) return undefined;
  const data: { [key: string]: string } = {};
  const refs: SecretTargetRef[] = [];
  const param = (parameter: string, key: string) => refs.push({ parameter, name: paramSecretName, key });
  if (sasl) {
    data[PARAM_KEYS.sasl] = sasl;
    data[PARAM_KEYS.username] = creds!.username;
    param('sasl', PARAM_KEYS.sasl);
    param('username', PARAM_KEYS.username);
    refs.push({ parameter: 'password', name: creds!.passwordSecret!.secretName, key: creds!.passwordSecret!.key });
  }
  if (tls) {
    data[PARAM_KEYS.tls] = 'enable';
    param('tls', PARAM_KEYS.tls);
    refs.push({ parameter: 'ca', name: conn.tlsCaSecret!.secretName, key: conn.tlsCaSecret!.key });
    if (creds?.certificateSecret && creds.keySecret) {
      refs.push({ parameter: 'cert', name: creds.certificateSecret.secretName, key: creds.certificateSecret.key });
      refs.push({ parameter: 'key', name: creds.keySecret.secretName, key: creds.keySecret.key });
    }
  }
  return { paramSecretData: data, secretTargetRefs: refs };
}

/** HPA behaviour as the ScaledObject CRD spells it. */
export function behaviorSpec(b: ResolvedScalingBehavior): ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehaviorScaleDown {
  return {
    stabilizationWindowSeconds: b.stabilizationWindowSeconds,
    selectPolicy: b.selectPolicy,
    policies: b.policies?.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
  };
}

/** Names of everything the scaler emits. */
export interface ScalerNames {
  readonly scaledObject: string;
  readonly triggerAuthentication: string;
  readonly paramSecret: string;
  /** The HPA KEDA creates (`keda-hpa-<scaledobject>`), for docs and `kubectl get hpa`. */
  readonly hpa: string;
}

export function scalerNames(name: string): ScalerNames {
  return {
    scaledObject: name,
    triggerAuthentication: `${name}-kafka-auth`,
    paramSecret: `${name}-kafka-auth-params`,
    hpa: `keda-hpa-${name}`,
  };
}

/** The ScaledObject spec (plain JSON, as the CRD expects it). */
export function scaledObjectSpec(s: KafkaLagScalerSettings, authRefName?: string): ScaledObjectSpec {
  const behavior: { scaleDown?: ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehaviorScaleDown; scaleUp?: ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehaviorScaleUp } = {};
  if (s.scaleDown) behavior.scaleDown = behaviorSpec(s.scaleDown);
  if (s.scaleUp) behavior.scaleUp = behaviorSpec(s.scaleUp);
  return {
    scaleTargetRef: { apiVersion: s.target.apiVersion, kind: s.target.kind, name: s.target.name },
    pollingInterval: s.pollingIntervalSeconds,
    cooldownPeriod: s.cooldownPeriodSeconds,
    minReplicaCount: s.minReplicas,
    maxReplicaCount: s.maxReplicas,
    idleReplicaCount: s.idleReplicas,
    fallback: s.fallback ? { failureThreshold: s.fallback.failureThreshold, replicas: s.fallback.replicas, behavior: s.fallback.behavior as unknown as ScaledObjectSpecFallbackBehavior } : undefined,
    advanced: Object.keys(behavior).length ? { horizontalPodAutoscalerConfig: { behavior } } : undefined,
    triggers: [
      {
        type: 'kafka',
        // KEDA's default, written out: some KEDA versions reject a fallback unless the trigger says AverageValue.
        metricType: 'AverageValue',
        metadata: triggerMetadata(s),
        authenticationRef: authRefName ? { name: authRefName } : undefined,
      },
    ],
  };
}
