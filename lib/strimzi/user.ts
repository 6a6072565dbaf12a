import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  KafkaUser,
  KafkaUserSpecAuthenticationType,
  KafkaUserSpecAuthorizationAcls,
  KafkaUserSpecAuthorizationAclsOperations,
  KafkaUserSpecAuthorizationAclsResourcePatternType,
  KafkaUserSpecAuthorizationAclsResourceType,
  KafkaUserSpecAuthorizationAclsType,
  KafkaUserSpecAuthorizationType,
} from '../../imports/kafka.strimzi.io';
import { commonLabels } from '../common/labels';
import { failureMessage, isDnsSubdomain, isNonNegativeInt, isPositiveInt, validate, ValidationRule, warn } from '../common/validation';
import { IKafkaCluster, IKafkaTopic, IKafkaUser, KafkaAuthentication, KafkaCredentials, SecretKeyReference } from '../kafka/cluster';
import { StrimziListenerAuthentication } from './listeners';
import type { StrimziKafka } from './kafka';
import { STRIMZI_CLUSTER_LABEL } from './names';

/** How a KafkaUser authenticates (`tls-external` is not offered: it yields no credentials to wire). */
export enum StrimziUserAuthentication {
  /** SCRAM-SHA-512: the User Operator writes `password` and `sasl.jaas.config`. */
  SCRAM_SHA_512 = 'scram-sha-512',
  /** Mutual TLS: the User Operator writes `user.crt`, `user.key` (and the clients CA as `ca.crt`). */
  TLS = 'tls',
}

/** ACL resource types. */
export enum StrimziAclResourceType {
  TOPIC = 'topic',
  GROUP = 'group',
  CLUSTER = 'cluster',
  TRANSACTIONAL_ID = 'transactionalId',
}

/** How an ACL's resource name matches. */
export enum StrimziAclPatternType {
  /** The exact name (`*` matches every resource). */
  LITERAL = 'literal',
  /** Every resource whose name starts with it. */
  PREFIX = 'prefix',
}

/** Kafka ACL operations. */
export enum StrimziAclOperation {
  READ = 'Read',
  WRITE = 'Write',
  CREATE = 'Create',
  DELETE = 'Delete',
  ALTER = 'Alter',
  DESCRIBE = 'Describe',
  CLUSTER_ACTION = 'ClusterAction',
  ALTER_CONFIGS = 'AlterConfigs',
  DESCRIBE_CONFIGS = 'DescribeConfigs',
  IDEMPOTENT_WRITE = 'IdempotentWrite',
  ALL = 'All',
}

/** Allow or deny. */
export enum StrimziAclEffect {
  ALLOW = 'allow',
  DENY = 'deny',
}

/** One ACL rule of a KafkaUser (`spec.authorization.acls[]`). */
export interface StrimziAcl {
  /** Resource type. */
  readonly resourceType: StrimziAclResourceType;
  /** Resource name (`*` for all); required except for the cluster resource, which has none. @default - none */
  readonly resourceName?: string;
  /** How `resourceName` matches. @default StrimziAclPatternType.LITERAL */
  readonly patternType?: StrimziAclPatternType;
  /** Operations (`v1` API: a list; the singular `operation` is gone). */
  readonly operations: StrimziAclOperation[];
  /** Allow or deny. @default StrimziAclEffect.ALLOW */
  readonly effect?: StrimziAclEffect;
  /** Client host. @default '*' */
  readonly host?: string;
}

/** Ready-made ACL sets, taking topics by reference. */
export class StrimziAcls {
  /** Consume a topic in a group: topic Describe + Read, group Read (the upstream consumer example). */
  public static consume(topic: IKafkaTopic, group: string, groupPattern: StrimziAclPatternType = StrimziAclPatternType.LITERAL): StrimziAcl[] {
    return [
      { resourceType: StrimziAclResourceType.TOPIC, resourceName: topic.topicName, operations: [StrimziAclOperation.DESCRIBE, StrimziAclOperation.READ] },
      { resourceType: StrimziAclResourceType.GROUP, resourceName: group, patternType: groupPattern, operations: [StrimziAclOperation.READ] },
    ];
  }

  /** Produce to a topic: topic Describe + Write (topics are declared as KafkaTopics, so no Create). */
  public static produce(topic: IKafkaTopic): StrimziAcl[] {
    return [{ resourceType: StrimziAclResourceType.TOPIC, resourceName: topic.topicName, operations: [StrimziAclOperation.DESCRIBE, StrimziAclOperation.WRITE] }];
  }

  /**
   * Read a group's lag on a topic, as KEDA's Kafka scaler does: topic Describe (list offsets, metadata) and group
   * Describe (fetch committed offsets). Nothing more: the scaler never consumes.
   */
  public static lagReader(topic: IKafkaTopic, group: string, groupPattern: StrimziAclPatternType = StrimziAclPatternType.LITERAL): StrimziAcl[] {
    return [
      { resourceType: StrimziAclResourceType.TOPIC, resourceName: topic.topicName, operations: [StrimziAclOperation.DESCRIBE] },
      { resourceType: StrimziAclResourceType.GROUP, resourceName: group, patternType: groupPattern, operations: [StrimziAclOperation.DESCRIBE] },
    ];
  }

  private constructor() {}
}

/** Client quotas of a KafkaUser (per broker). */
export interface StrimziUserQuotas {
  /** Bytes per second a client group may produce. @default - unlimited */
  readonly producerByteRate?: number;
  /** Bytes per second a client group may fetch. @default - unlimited */
  readonly consumerByteRate?: number;
  /** Percentage of network and I/O thread time. @default - unlimited */
  readonly requestPercentage?: number;
  /** Partition mutations per second (create/delete topics and partitions). @default - unlimited */
  readonly controllerMutationRate?: number;
}

/** A user as `StrimziKafka.addUser()` takes it. */
export interface StrimziKafkaUserOptions {
  /** The KafkaUser name: the SCRAM user name, or the certificate CN. @default - the construct id */
  readonly userName?: string;
  /** How the user authenticates. @default StrimziUserAuthentication.SCRAM_SHA_512 */
  readonly authentication?: StrimziUserAuthentication;
  /** ACL rules (enforced only when the cluster has simple authorization). @default - none */
  readonly acls?: StrimziAcl[];
  /** Quotas. @default - none */
  readonly quotas?: StrimziUserQuotas;
  /** Bring your own SCRAM password from a Secret in the cluster's namespace (SCRAM only). @default - the User Operator generates one */
  readonly password?: SecretKeyReference;
  /** Validity of the user certificate in days (TLS only; set together with renewal). @default - the clients CA's */
  readonly certificateValidityDays?: number;
  /** Days before expiry the certificate is renewed (TLS only; less than validity). @default - the clients CA's */
  readonly certificateRenewalDays?: number;
}

/** Props of a StrimziKafkaUser. */
export interface StrimziKafkaUserProps extends StrimziKafkaUserOptions {
  /** The cluster the user belongs to. */
  readonly cluster: StrimziKafka;
}

/** Longest KafkaUser name for TLS users: the certificate CN is limited to 64 characters. */
export const MAX_TLS_USER_NAME = 64;

interface UserSettings {
  readonly userName: string;
  readonly secretName: string;
  readonly authentication: StrimziUserAuthentication;
  readonly quotas?: StrimziUserQuotas;
  readonly password?: SecretKeyReference;
  readonly certificateValidityDays?: number;
  readonly certificateRenewalDays?: number;
}

/** ACL rule table, for the ACLs at `prop` (e.g. `acls[2]`). */
export function aclRules<S>(prop: string, acl: StrimziAcl): ValidationRule<S>[] {
  const named = acl.resourceType !== StrimziAclResourceType.CLUSTER;
  return [
    {
      prop: `${prop}.resourceType`,
      value: () => acl.resourceType,
      check: (v) => Object.values(StrimziAclResourceType).includes(v),
      allowed: Object.values(StrimziAclResourceType).join(', '),
    },
    named
      ? {
        prop: `${prop}.resourceName`,
        value: () => acl.resourceName,
        check: (v) => typeof v === 'string' && v.length > 0,
        allowed: `a resource name ('*' for all) for ${acl.resourceType} ACLs`,
      }
      : {
        prop: `${prop}.resourceName`,
        value: () => acl.resourceName ?? acl.patternType,
        check: (v) => v === undefined,
        allowed: 'no resourceName or patternType on cluster ACLs (the cluster resource has no name)',
      },
    {
      prop: `${prop}.operations`,
      value: () => acl.operations,
      check: (v) => Array.isArray(v) && v.length >= 1 && new Set(v).size === v.length && v.every((o: unknown) => Object.values(StrimziAclOperation).includes(o as StrimziAclOperation)),
      allowed: `one or more distinct operations of ${Object.values(StrimziAclOperation).join(', ')}`,
    },
  ];
}

/**
 * A KafkaUser for the User Operator, with SCRAM-SHA-512 or TLS credentials, ACLs and quotas. It exposes the
 * Secret the operator will write and its keys as {@link KafkaCredentials}, so clients and KEDA wire to it by
 * reference. SCRAM: user name = the KafkaUser name (the Secret has no `username` key), password in `password`.
 * TLS: `user.crt`/`user.key`; the Secret's `ca.crt` is the CLIENTS CA, which does not verify brokers: trust
 * `cluster.connection().tlsCaSecret` (the cluster CA) instead.
 */
export class StrimziKafkaUser extends Construct implements IKafkaUser {
  public readonly cluster: IKafkaCluster;
  public readonly credentials: KafkaCredentials;
  /** The KafkaUser name. */
  public readonly userName: string;
  /** The Secret the User Operator writes: `<userSecretPrefix><userName>`. */
  public readonly secretName: string;
  /** The principal ACLs and super-user lists refer to: `User:<name>` (SCRAM) or `User:CN=<name>` (TLS). */
  public readonly principal: string;
  /** SCRAM: the JAAS line (`sasl.jaas.config`) for Java clients. @default - undefined for TLS users */
  public readonly jaasConfigSecret?: SecretKeyReference;
  /** TLS: the clients CA in the user Secret (`ca.crt`). It signs the user certificate; it does NOT verify brokers. */
  public readonly clientsCaSecret?: SecretKeyReference;
  /** TLS: the PKCS#12 keystore (`user.p12`) and its password (`user.password`), when the operator generates them. */
  public readonly pkcs12Secret?: SecretKeyReference;
  public readonly pkcs12PasswordSecret?: SecretKeyReference;
  /** The KafkaUser resource. */
  public readonly kafkaUser: KafkaUser;
  private readonly strimzi: StrimziKafka;
  private readonly acls: StrimziAcl[] = [];

  constructor(scope: Construct, id: string, props: StrimziKafkaUserProps) {
    super(scope, id);
    const cluster = props.cluster;
    const userName = props.userName ?? id;
    const s: UserSettings = {
      userName,
      secretName: `${cluster.userSecretPrefix}${userName}`,
      authentication: props.authentication ?? StrimziUserAuthentication.SCRAM_SHA_512,
      quotas: props.quotas,
      password: props.password,
      certificateValidityDays: props.certificateValidityDays,
      certificateRenewalDays: props.certificateRenewalDays,
    };
    const tls = s.authentication === StrimziUserAuthentication.TLS;
    const rules: ValidationRule<UserSettings>[] = [
      { prop: 'userName', value: (x) => x.userName, check: (v) => isDnsSubdomain(v), allowed: 'a Kubernetes resource name (lowercase RFC 1123 subdomain)' },
      {
        prop: 'userName',
        value: (x) => x.userName,
        check: (v) => v.length <= MAX_TLS_USER_NAME,
        when: () => tls,
        allowed: `at most ${MAX_TLS_USER_NAME} characters for TLS users (the certificate CN)`,
      },
      {
        prop: 'userName',
        value: (x) => x.secretName,
        check: (v) => isDnsSubdomain(v),
        allowed: `a name that, with the cluster's userSecretPrefix '${cluster.userSecretPrefix}', still makes a valid Secret name (the value is that Secret name)`,
      },
      {
        prop: 'authentication',
        value: (x) => x.authentication,
        check: (v) => Object.values(StrimziUserAuthentication).includes(v),
        allowed: Object.values(StrimziUserAuthentication).join(', '),
      },
      {
        prop: 'password',
        value: (x) => x.password,
        check: (v) => v === undefined,
        when: () => tls,
        allowed: 'no password for TLS users (passwords are for scram-sha-512)',
      },
      {
        prop: 'password',
        value: (x) => x.password,
        check: (v) => isDnsSubdomain(v.secretName) && typeof v.key === 'string' && v.key.length > 0,
        when: (x) => x.password !== undefined && !tls,
        allowed: 'a Secret name and a key in it',
      },
      {
        prop: 'certificateValidityDays',
        value: (x) => ({ certificateValidityDays: x.certificateValidityDays, certificateRenewalDays: x.certificateRenewalDays }),
        check: () => false,
        when: (x) => !tls && (x.certificateValidityDays !== undefined || x.certificateRenewalDays !== undefined),
        allowed: 'certificate validity and renewal only for TLS users',
      },
      {
        prop: 'certificateValidityDays',
        value: (x) => ({ certificateValidityDays: x.certificateValidityDays, certificateRenewalDays: x.certificateRenewalDays }),
        check: (v) => (v.certificateValidityDays === undefined) === (v.certificateRenewalDays === undefined),
        when: () => tls,
        allowed: 'certificateValidityDays and certificateRenewalDays set together, or neither',
      },
      {
        prop: 'certificateRenewalDays',
        value: (x) => x.certificateRenewalDays,
        check: (v, x) => isPositiveInt(v) && isPositiveInt(x.certificateValidityDays) && v < x.certificateValidityDays!,
        when: (x) => tls && x.certificateValidityDays !== undefined && x.certificateRenewalDays !== undefined,
        allowed: (x) => `a whole number >= 1, less than certificateValidityDays (${x.certificateValidityDays})`,
      },
      ...quotaRules(s.quotas),
      ...(props.acls ?? []).flatMap((a, i) => aclRules<UserSettings>(`acls[${i}]`, a)),
    ];
    validate(this, 'StrimziKafkaUser', s, rules);

    this.strimzi = cluster;
    this.cluster = cluster;
    this.userName = userName;
    this.secretName = s.secretName;
    this.principal = tls ? `User:CN=${userName}` : `User:${userName}`;
    const ref = (key: string): SecretKeyReference => ({ secretName: s.secretName, key });
    this.credentials = tls
      ? { username: userName, authentication: KafkaAuthentication.MTLS, certificateSecret: ref('user.crt'), keySecret: ref('user.key') }
      : { username: userName, authentication: KafkaAuthentication.SCRAM_SHA_512, passwordSecret: ref('password') };
    if (tls) {
      this.clientsCaSecret = ref('ca.crt');
      this.pkcs12Secret = ref('user.p12');
      this.pkcs12PasswordSecret = ref('user.password');
    } else {
      this.jaasConfigSecret = ref('sasl.jaas.config');
    }
    this.acls.push(...(props.acls ?? []));

    const accepted = tls ? StrimziListenerAuthentication.TLS : StrimziListenerAuthentication.SCRAM_SHA_512;
    if (!cluster.listenerAuthentications().includes(accepted)) {
      warn(this, `user '${userName}' authenticates with ${s.authentication}, but no listener of cluster '${cluster.clusterName}' accepts ${accepted}`);
    }
    if (this.acls.length && !cluster.authorizationEnabled) {
      warn(this, `user '${userName}' has ACLs, but cluster '${cluster.clusterName}' has no authorization: the ACLs are not enforced`);
    }

    this.kafkaUser = new KafkaUser(this, 'user', {
      metadata: {
        name: userName,
        namespace: cluster.namespace,
        labels: { ...commonLabels({ app: 'kafka', instance: cluster.clusterName, component: 'user' }), [STRIMZI_CLUSTER_LABEL]: cluster.clusterName },
      },
      spec: {
        authentication: {
          type: tls ? KafkaUserSpecAuthenticationType.TLS : KafkaUserSpecAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512,
          password: s.password ? { valueFrom: { secretKeyRef: { name: s.password.secretName, key: s.password.key } } } : undefined,
          validityDays: s.certificateValidityDays,
          renewalDays: s.certificateRenewalDays,
        },
        authorization: Lazy.any({
          produce: () => (this.acls.length ? { type: KafkaUserSpecAuthorizationType.SIMPLE, acls: this.acls.map(renderAcl) } : undefined),
        }),
        quotas: s.quotas ? { ...s.quotas } : undefined,
      },
    });
  }

  /** Adds ACL rules (validated now). */
  public addAcls(...acls: StrimziAcl[]): void {
    validate(
      this,
      'StrimziKafkaUser',
      {},
      acls.flatMap((a, i) => aclRules<object>(`acls[${this.acls.length + i}]`, a)),
    );
    if (acls.length && !this.acls.length && !this.strimzi.authorizationEnabled) {
      warn(this, `user '${this.userName}' has ACLs, but cluster '${this.strimzi.clusterName}' has no authorization: the ACLs are not enforced`);
    }
    this.acls.push(...acls);
  }

  /** Allows consuming `topic` in `group` (topic Describe + Read, group Read). The topic must be on this user's cluster. */
  public grantConsume(topic: IKafkaTopic, group: string, groupPattern?: StrimziAclPatternType): void {
    this.checkTopic(topic, 'grantConsume');
    this.addAcls(...StrimziAcls.consume(topic, group, groupPattern));
  }

  /** Allows producing to `topic` (Describe + Write). The topic must be on this user's cluster. */
  public grantProduce(topic: IKafkaTopic): void {
    this.checkTopic(topic, 'grantProduce');
    this.addAcls(...StrimziAcls.produce(topic));
  }

  /** Allows reading `group`'s lag on `topic` (what KEDA's Kafka scaler needs). The topic must be on this user's cluster. */
  public grantLagRead(topic: IKafkaTopic, group: string, groupPattern?: StrimziAclPatternType): void {
    this.checkTopic(topic, 'grantLagRead');
    this.addAcls(...StrimziAcls.lagReader(topic, group, groupPattern));
  }

  /** The ACL rules declared so far. */
  public get aclRules(): StrimziAcl[] {
    return [...this.acls];
  }

  private checkTopic(topic: IKafkaTopic, method: string): void {
    if (topic.cluster !== this.cluster) {
      throw new Error(
        failureMessage(this, 'StrimziKafkaUser', `${method}(topic)`, topic.topicName, `a topic of cluster '${this.strimzi.clusterName}' (this topic is on '${topic.cluster.clusterName}')`),
      );
    }
  }
}

function quotaRules(q: StrimziUserQuotas | undefined): ValidationRule<UserSettings>[] {
  if (!q) return [];
  const rules: ValidationRule<UserSettings>[] = [];
  for (const key of ['producerByteRate', 'consumerByteRate'] as const) {
    if (q[key] !== undefined) rules.push({ prop: `quotas.${key}`, value: (x) => x.quotas?.[key], check: isNonNegativeInt, allowed: 'a whole number of bytes per second >= 0' });
  }
  if (q.requestPercentage !== undefined) {
    rules.push({
      prop: 'quotas.requestPercentage',
      value: (x) => x.quotas?.requestPercentage,
      check: isNonNegativeInt,
      // Percent of ONE thread: the ceiling is (num.io.threads + num.network.threads) x 100, so no cap of 100 here.
      allowed: 'a whole number >= 0 (percent of one network or I/O thread)',
    });
  }
  if (q.controllerMutationRate !== undefined) {
    rules.push({
      prop: 'quotas.controllerMutationRate',
      value: (x) => x.quotas?.controllerMutationRate,
      check: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
      allowed: 'a number >= 0',
    });
  }
  return rules;
}

/** Renders one ACL; defaults (allow, literal, host '*') are left out. Our enums carry the CRD's exact strings. */
function renderAcl(a: StrimziAcl): KafkaUserSpecAuthorizationAcls {
  return {
    type: a.effect === StrimziAclEffect.DENY ? KafkaUserSpecAuthorizationAclsType.DENY : undefined,
    resource: {
      type: a.resourceType as unknown as KafkaUserSpecAuthorizationAclsResourceType,
      name: a.resourceName,
      patternType: a.patternType === StrimziAclPatternType.PREFIX ? KafkaUserSpecAuthorizationAclsResourcePatternType.PREFIX : undefined,
    },
    host: a.host,
    operations: a.operations.map((o) => o as unknown as KafkaUserSpecAuthorizationAclsOperations),
  };
}
