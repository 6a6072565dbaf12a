/**
 * A tiny IKafkaCluster test double: the scaler and the sample consumer are developed against the interfaces in
 * lib/kafka, independently of the Redpanda and Strimzi constructs.
 */
import { Construct } from 'constructs';
import { IKafkaCluster, IKafkaTopic, IKafkaUser, KafkaAuthentication, KafkaCredentials, KafkaListenerConnection, SecretKeyReference } from '../../lib/kafka';

export interface FakeListener {
  readonly port: number;
  readonly authentication?: KafkaAuthentication;
  readonly tlsCaSecret?: SecretKeyReference;
}

export interface FakeClusterOptions {
  readonly name?: string;
  readonly namespace?: string;
  /** Listeners by name; the first is the default. @default { plain: { port: 9092 } } */
  readonly listeners?: { [name: string]: FakeListener };
}

export class FakeCluster extends Construct implements IKafkaCluster {
  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly brokerCount = 3;
  public readonly flavor = 'fake';
  public readonly serviceName: string;
  public readonly brokerSelector: { [key: string]: string };
  public readonly listenerNames: string[];
  private readonly listeners: { [name: string]: FakeListener };

  constructor(scope: Construct, id: string, o: FakeClusterOptions = {}) {
    super(scope, id);
    this.clusterName = o.name ?? 'kafka';
    this.serviceName = `${this.clusterName}-bootstrap`;
    this.namespace = o.namespace ?? 'lab';
    this.listeners = o.listeners ?? { plain: { port: 9092 } };
    this.listenerNames = Object.keys(this.listeners);
    this.brokerSelector = { app: this.clusterName };
  }

  public connection(listenerName?: string): KafkaListenerConnection {
    const name = listenerName ?? this.listenerNames[0];
    const l = this.listeners[name];
    if (!l) throw new Error(`no listener ${name}`);
    const hosts = [0, 1, 2].map((i) => `${this.clusterName}-${i}.${this.clusterName}-brokers.${this.namespace}.svc.cluster.local:${l.port}`);
    return {
      listenerName: name,
      bootstrapServers: hosts.join(','),
      port: l.port,
      tlsCaSecret: l.tlsCaSecret,
      authentication: l.authentication ?? KafkaAuthentication.NONE,
    };
  }

  public addTopic(topicName: string, partitions: number): IKafkaTopic {
    return new FakeTopic(this, `topic-${topicName}`, topicName, partitions, this);
  }

  public addUser(username: string, credentials: Omit<KafkaCredentials, 'username'>): IKafkaUser {
    return new FakeUser(this, `user-${username}`, this, { username, ...credentials });
  }
}

export class FakeTopic extends Construct implements IKafkaTopic {
  public readonly replicationFactor = 3;
  constructor(scope: Construct, id: string, public readonly topicName: string, public readonly partitions: number, public readonly cluster: IKafkaCluster) {
    super(scope, id);
  }
}

export class FakeUser extends Construct implements IKafkaUser {
  constructor(scope: Construct, id: string, public readonly cluster: IKafkaCluster, public readonly credentials: KafkaCredentials) {
    super(scope, id);
  }
}

/** SCRAM-SHA-512 credentials whose password lives in Secret `<user>` key `password` (Strimzi's layout). */
export function scram512(username: string): KafkaCredentials {
  return { username, authentication: KafkaAuthentication.SCRAM_SHA_512, passwordSecret: { secretName: username, key: 'password' } };
}

/** mTLS credentials in Secret `<user>` (Strimzi's layout: user.crt / user.key). */
export function mtls(username: string): KafkaCredentials {
  return {
    username,
    authentication: KafkaAuthentication.MTLS,
    certificateSecret: { secretName: username, key: 'user.crt' },
    keySecret: { secretName: username, key: 'user.key' },
  };
}

export const CLUSTER_CA: SecretKeyReference = { secretName: 'kafka-cluster-ca-cert', key: 'ca.crt' };
