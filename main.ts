/**
 * The lab app: the seed's data and messaging layer in namespace `lab`.
 *
 *   npm run synth                          # default: Namespace lab, Redpanda `rp`, Qdrant `qdrant`
 *   npm run synth -- --variant ha          # any variant from VARIANTS, comma-separated to combine
 *
 * The default output applies to a bare cluster (kind with its default StorageClass) in one go: nothing in it
 * needs an operator. Variants that need an operator (cert-manager, Strimzi, KEDA) are opt-in.
 */
import { App, Chart, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Redpanda, RedpandaProfile } from './lib/redpanda';
import { Qdrant } from './lib/qdrant';
import { Duration } from 'cdk8s';
import { KafkaConsumerSample, KafkaLagScaler } from './lib/keda';
import { AntiAffinity } from './lib/common';
import { StrimziKafka, StrimziKafkaTopic, StrimziKafkaUser, StrimziPresets, StrimziProfile } from './lib/strimzi';

/** Namespace of everything the lab deploys, as in the seed (`-n lab`). */
export const LAB_NAMESPACE = 'lab';

/** What the selected variants add up to. */
export interface LabSettings {
  /** Redpanda broker count. */
  redpandaReplicas: number;
  /** Redpanda SASL/SCRAM (users from a Secret) and TLS (cert-manager). */
  redpandaSasl: boolean;
  redpandaTls: boolean;
  /** Qdrant replica count. */
  qdrantReplicas: number;
  /** Strimzi variant: undefined (off), 'lab' or 'production'. */
  strimzi?: 'lab' | 'production';
  /** KEDA scaler on Kafka lag, against this Kafka flavor; undefined = off. */
  keda?: 'redpanda' | 'strimzi';
}

/** A named variant of the lab output. */
export interface LabVariant {
  readonly description: string;
  readonly apply: (s: LabSettings) => void;
}

/** Variants selectable with `npm run synth -- --variant NAME[,NAME...]`. */
export const VARIANTS: { [name: string]: LabVariant } = {
  default: { description: 'Namespace lab, Redpanda rp (1 broker), Qdrant qdrant (1 replica); needs no operator', apply: () => undefined },
  ha: {
    description: '3 Redpanda brokers and 3 Qdrant peers (PDBs, spread across nodes)',
    apply: (s) => {
      s.redpandaReplicas = 3;
      s.qdrantReplicas = 3;
    },
  },
  sasl: {
    description: 'Redpanda with SASL/SCRAM: users admin (superuser) and consumer (reads dojo-test), passwords from Secret rp-users',
    apply: (s) => void (s.redpandaSasl = true),
  },
  tls: { description: 'Redpanda with TLS on every listener through cert-manager (needs cert-manager)', apply: (s) => void (s.redpandaTls = true) },
  // <variants:strimzi>
  strimzi: {
    description: 'Strimzi Kafka `strimzi` next to Redpanda: 1 dual-role KRaft node, plain (9092) and TLS (9093) listeners, topic dojo-test (needs the Strimzi operator)',
    apply: (s) => void (s.strimzi = 'lab'),
  },
  'strimzi-production': {
    description:
      'Strimzi Kafka `strimzi`, production preset: 3 controllers + 3 brokers, SCRAM-SHA-512 on TLS, external TLS nodeport 32100 (brokers 32101-32103), simple authorization, user dojo-consumer (needs the Strimzi operator)',
    apply: (s) => void (s.strimzi = 'production'),
  },
  // </variants:strimzi>
  // <variants:keda>
  keda: {
    description: 'KEDA scales a sample rpk consumer (group dojo-consumer) on its lag on dojo-test in Redpanda rp (needs the KEDA operator)',
    apply: (s) => void (s.keda = 'redpanda'),
  },
  'keda-strimzi': {
    description: 'the keda variant against Strimzi Kafka `strimzi` instead of Redpanda (adds the strimzi variant unless strimzi-production is chosen; needs the KEDA and Strimzi operators)',
    apply: (s) => {
      s.keda = 'strimzi';
      s.strimzi = s.strimzi ?? 'lab';
    },
  },
  // </variants:keda>
};

/**
 * Combinations of variants that the tests synthesize and apply besides each variant alone: they put the scaler's
 * TriggerAuthentication (SASL, TLS) and the multi-broker paths in front of the API server.
 */
export const COMBINATIONS: string[] = ['ha,sasl,tls', 'sasl,tls,keda', 'ha,keda', 'strimzi-production,keda-strimzi'];

/** Parses `a,b,c` into settings; throws on an unknown variant, listing the known ones. */
export function resolveVariants(spec: string): LabSettings {
  const s: LabSettings = { redpandaReplicas: 1, redpandaSasl: false, redpandaTls: false, qdrantReplicas: 1 };
  for (const name of spec.split(',').map((x) => x.trim()).filter(Boolean)) {
    const v = VARIANTS[name];
    if (!v) throw new Error(`unknown variant '${name}'; allowed: ${Object.keys(VARIANTS).join(', ')}`);
    v.apply(s);
  }
  return s;
}

/** The lab Namespace, in a chart without a namespace (a chart's namespace is stamped on cluster-scoped objects too). */
export class LabNamespaceChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new k8s.KubeNamespace(this, 'lab', {
      metadata: {
        name: LAB_NAMESPACE,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
  }
}

/** Builds every chart of the lab into `app`. */
export function buildLab(app: App, settings: LabSettings): void {
  const nsChart = new LabNamespaceChart(app, 'lab-namespace');
  const chart = (id: string): Chart => {
    const c = new Chart(app, id, { namespace: LAB_NAMESPACE, disableResourceNameHashes: true });
    c.addDependency(nsChart);
    return c;
  };

  const redpandaChart = chart('redpanda');
  const redpanda = new Redpanda(redpandaChart, 'rp', {
    name: 'rp',
    profile: RedpandaProfile.LAB,
    replicas: settings.redpandaReplicas,
    // Passwords come from a Secret you create: kubectl -n lab create secret generic rp-users --from-literal=admin=... --from-literal=consumer=...
    sasl: settings.redpandaSasl ? { usersSecretName: 'rp-users', superusers: ['admin'], users: ['consumer'] } : undefined,
    tls: settings.redpandaTls ? { certManager: true } : undefined,
  });
  const dojoTest = redpanda.addTopic('dojo-test', { partitions: 3 });
  if (settings.redpandaSasl) redpanda.grantConsume('consumer', dojoTest, 'dojo-consumer');

  // <lab:qdrant>
  // Drill 4 works verbatim: `kubectl port-forward svc/qdrant 6333:6333 -n lab`, `curl http://localhost:6333/collections`.
  const qdrantChart = chart('qdrant');
  new Qdrant(qdrantChart, 'qdrant', { name: 'qdrant', replicas: settings.qdrantReplicas });
  // </lab:qdrant>

  // <lab:strimzi>
  // Strimzi variants: `strimzi` (lab preset) and `strimzi-production`. The chart applies once the Strimzi operator
  // watches namespace lab (docs: "Strimzi Kafka"). In scope below: `strimzi` (an IKafkaCluster), `strimziTopic`
  // (dojo-test, an IKafkaTopic) and, for the production variant, `strimziUser` (SCRAM user dojo-consumer with
  // consume rights on dojo-test in group dojo-consumer, which also covers KEDA's lag reads) and `strimziChart`
  // (add it as a dependency of charts that use the cluster).
  let strimzi: StrimziKafka | undefined;
  let strimziTopic: StrimziKafkaTopic | undefined;
  let strimziUser: StrimziKafkaUser | undefined;
  let strimziChart: Chart | undefined;
  if (settings.strimzi) {
    strimziChart = chart('strimzi');
    const production = settings.strimzi === 'production';
    strimzi = new StrimziKafka(strimziChart, 'strimzi', {
      name: 'strimzi',
      profile: production ? StrimziProfile.PRODUCTION : StrimziProfile.LAB,
      // The production preset shrunk to fit a laptop kind cluster: soft anti-affinity, small heaps and volumes.
      ...(production
        ? {
            antiAffinity: AntiAffinity.SOFT,
            nodePools: StrimziPresets.productionNodePools({
              brokerStorageSize: '10Gi',
              controllerStorageSize: '2Gi',
              brokerResources: { cpuRequest: '250m', memoryRequest: '1Gi', memoryLimit: '1Gi' },
              controllerResources: { cpuRequest: '100m', memoryRequest: '512Mi', memoryLimit: '512Mi' },
            }),
          }
        : {}),
    });
    strimziTopic = strimzi.addTopic('dojo-test', { topicName: 'dojo-test', partitions: 3 });
    if (production) {
      strimziUser = strimzi.addUser('dojo-consumer', { userName: 'dojo-consumer' });
      strimziUser.grantConsume(strimziTopic, 'dojo-consumer');
      strimziUser.grantProduce(strimziTopic);
    }
  }
  // </lab:strimzi>

  // <lab:keda>
  if (settings.keda) {
    // A slow rpk consumer in group dojo-consumer on dojo-test, and KEDA scaling it (0 to 3 replicas, one per
    // partition) on the group's lag, against Redpanda or Strimzi. Watch: `kubectl get hpa,scaledobject -n lab -w`.
    const kedaChart = chart('keda');
    const onStrimzi = settings.keda === 'strimzi';
    if (onStrimzi && (!strimzi || !strimziTopic || !strimziChart)) throw new Error("variant 'keda-strimzi' needs the Strimzi cluster of the strimzi variant");
    kedaChart.addDependency(onStrimzi ? strimziChart! : redpandaChart);
    const source = onStrimzi
      ? { cluster: strimzi!, topic: strimziTopic!, user: strimziUser }
      : { cluster: redpanda, topic: dojoTest, credentials: settings.redpandaSasl ? redpanda.userCredentials('consumer') : undefined };
    const consumer = new KafkaConsumerSample(kedaChart, 'dojo-consumer', { ...source, name: 'dojo-consumer', consumerGroup: 'dojo-consumer' });
    new KafkaLagScaler(kedaChart, 'dojo-consumer-scaler', {
      ...source,
      consumerGroup: consumer.consumerGroup,
      target: consumer,
      offsetResetPolicy: consumer.offsetResetPolicy,
      lagThreshold: 20,
      pollingInterval: Duration.seconds(15),
      cooldownPeriod: Duration.minutes(2),
    });
  }
  // </lab:keda>
}

/** Synthesizes the lab into `outdir` (the caller makes this all-or-nothing). */
export function synthLab(options: { outdir: string; variants: string }): void {
  const settings = resolveVariants(options.variants);
  const app = new App({ outdir: options.outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  buildLab(app, settings);
  app.synth();
}
