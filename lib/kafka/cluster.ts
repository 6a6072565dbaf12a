import { IConstruct } from 'constructs';
import { SecretKeyReference } from '../common/secret-ref';

/** How a client authenticates to a Kafka listener. */
export enum KafkaAuthentication {
  /** No authentication. */
  NONE = 'none',
  /** SASL/SCRAM-SHA-256. */
  SCRAM_SHA_256 = 'scram-sha-256',
  /** SASL/SCRAM-SHA-512. */
  SCRAM_SHA_512 = 'scram-sha-512',
  /** Mutual TLS: the client certificate is the identity. */
  MTLS = 'tls',
}

export type { SecretKeyReference } from '../common/secret-ref';

/** What a client needs to reach one listener of a Kafka cluster. Every address is an in-cluster FQDN. */
export interface KafkaListenerConnection {
  /** The listener's name on the cluster. */
  readonly listenerName: string;
  /** Comma-separated `host:port` list, FQDNs (clients in other namespaces, e.g. KEDA's, resolve them). */
  readonly bootstrapServers: string;
  /** The listener's port. */
  readonly port: number;
  /** The CA that signs the brokers' certificates; undefined for a plaintext listener. */
  readonly tlsCaSecret?: SecretKeyReference;
  /** How clients authenticate on this listener. */
  readonly authentication: KafkaAuthentication;
}

/** Credentials of one Kafka user, as a client (or KEDA) consumes them. No value is ever inlined. */
export interface KafkaCredentials {
  /** The principal's user name (for SCRAM; for mTLS the certificate CN). */
  readonly username: string;
  /** The mechanism these credentials are for. */
  readonly authentication: KafkaAuthentication;
  /** SCRAM password. @default - none (mTLS) */
  readonly passwordSecret?: SecretKeyReference;
  /** mTLS client certificate (PEM). @default - none (SCRAM) */
  readonly certificateSecret?: SecretKeyReference;
  /** mTLS client key (PEM). @default - none (SCRAM) */
  readonly keySecret?: SecretKeyReference;
}

/**
 * A Kafka-API cluster that other constructs wire to by reference: the Redpanda construct and the Strimzi
 * variant both implement it, and KEDA scalers and application charts accept either.
 */
export interface IKafkaCluster extends IConstruct {
  /** The cluster's name (the Redpanda construct's `name`, the Strimzi `Kafka` name). */
  readonly clusterName: string;
  /** Namespace of the brokers. */
  readonly namespace: string;
  /** Number of brokers. */
  readonly brokerCount: number;
  /** `redpanda` or `strimzi`. */
  readonly flavor: string;
  /** Labels that select the broker pods (for NetworkPolicies). */
  readonly brokerSelector: { [key: string]: string };
  /** The Service in-cluster clients bootstrap through (Redpanda: `<name>`; Strimzi: `<name>-kafka-bootstrap`). */
  readonly serviceName: string;
  /** The admin HTTP API, when the flavor has one (Redpanda's Admin API). @default - none (Strimzi has no HTTP admin API) */
  readonly adminUrl?: string;
  /** Names of the in-cluster listeners clients may use. */
  readonly listenerNames: string[];
  /**
   * How to reach a listener from inside the cluster.
   * @param listenerName the listener. @default - the cluster's default client listener
   */
  connection(listenerName?: string): KafkaListenerConnection;
}

/** A topic on an IKafkaCluster. */
export interface IKafkaTopic extends IConstruct {
  /** The Kafka topic name. */
  readonly topicName: string;
  /** Partition count (caps useful consumer replicas). */
  readonly partitions: number;
  /** Replication factor. */
  readonly replicationFactor: number;
  /** The cluster the topic lives on. */
  readonly cluster: IKafkaCluster;
}

/** A Kafka user whose credentials live in Secrets next to the cluster. */
export interface IKafkaUser extends IConstruct {
  /** The cluster the user belongs to. */
  readonly cluster: IKafkaCluster;
  /** How a client authenticates as this user. */
  readonly credentials: KafkaCredentials;
}
