/**
 * Names of the objects the Strimzi cluster operator generates for a `Kafka` (a port of Strimzi's
 * `KafkaResources`, `ListenersUtils` and the StrimziPodSet naming). The construct computes them at synth time so
 * callers wire clients by reference instead of typing them.
 */

/** Service with every `internal` listener port: `<c>-kafka-bootstrap`. */
export function bootstrapServiceName(cluster: string): string {
  return `${cluster}-kafka-bootstrap`;
}

/** Headless Service of all nodes: `<c>-kafka-brokers`. */
export function brokersServiceName(cluster: string): string {
  return `${cluster}-kafka-brokers`;
}

/** Bootstrap Service of a non-`internal` listener (cluster-ip, nodeport, loadbalancer...): `<c>-kafka-<listener>-bootstrap`. */
export function listenerBootstrapServiceName(cluster: string, listener: string): string {
  return `${cluster}-kafka-${listener}-bootstrap`;
}

/** Per-broker Service of a non-`internal` listener: `<c>-<pool>-<listener>-<nodeId>`. */
export function perBrokerServiceName(cluster: string, pool: string, listener: string, nodeId: number): string {
  return `${cluster}-${pool}-${listener}-${nodeId}`;
}

/** Pod of a node-pool node: `<c>-<pool>-<nodeId>`. */
export function nodePodName(cluster: string, pool: string, nodeId: number): string {
  return `${cluster}-${pool}-${nodeId}`;
}

/** Secret with the cluster CA certificate (key `ca.crt`): what clients of TLS listeners trust. */
export function clusterCaCertSecretName(cluster: string): string {
  return `${cluster}-cluster-ca-cert`;
}

/** Secret with the clients CA certificate (signs KafkaUser certificates; does NOT verify brokers). */
export function clientsCaCertSecretName(cluster: string): string {
  return `${cluster}-clients-ca-cert`;
}

/** Deployment of the Topic and User Operators: `<c>-entity-operator`. */
export function entityOperatorName(cluster: string): string {
  return `${cluster}-entity-operator`;
}

/** The NetworkPolicy the operator maintains for the listeners: `<c>-network-policy-kafka`. */
export function kafkaNetworkPolicyName(cluster: string): string {
  return `${cluster}-network-policy-kafka`;
}

/** Label that links node pools, topics and users to their Kafka cluster. */
export const STRIMZI_CLUSTER_LABEL = 'strimzi.io/cluster';
/** Annotation with the node-ID range a pool takes its next node IDs from. */
export const NEXT_NODE_IDS_ANNOTATION = 'strimzi.io/next-node-ids';
