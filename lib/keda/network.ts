import { NetworkPeer } from '../common/network-policy';

/** The namespace the KEDA operator runs in with the upstream install (release YAML and Helm chart). */
export const KEDA_DEFAULT_NAMESPACE = 'keda';

/**
 * The KEDA operator as a NetworkPolicy peer: every pod of its namespace. The scaler connects to the brokers from
 * there, not from the ScaledObject's namespace, so a cluster with a NetworkPolicy must admit it, e.g.
 * `redpanda.allowFrom(kedaOperatorPeer(), { podLabels: consumer.podSelector })`.
 * @param namespace KEDA's namespace. @default 'keda'
 */
export function kedaOperatorPeer(namespace: string = KEDA_DEFAULT_NAMESPACE): NetworkPeer {
  return { namespace };
}
