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
  sasl: { description: 'Redpanda with SASL/SCRAM (users from Secret rp-users)', apply: (s) => void (s.redpandaSasl = true) },
  tls: { description: 'Redpanda with TLS on every listener through cert-manager (needs cert-manager)', apply: (s) => void (s.redpandaTls = true) },
  // <variants:strimzi>
  // </variants:strimzi>
  // <variants:keda>
  // </variants:keda>
};

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
    sasl: settings.redpandaSasl ? { usersSecretName: 'rp-users', superusers: ['admin'] } : undefined,
    tls: settings.redpandaTls ? { certManager: true } : undefined,
  });
  redpanda.addTopic('dojo-test', { partitions: 3 });

  // <lab:qdrant>
  // </lab:qdrant>

  // <lab:strimzi>
  // </lab:strimzi>

  // <lab:keda>
  // </lab:keda>
}

/** Synthesizes the lab into `outdir` (the caller makes this all-or-nothing). */
export function synthLab(options: { outdir: string; variants: string }): void {
  const settings = resolveVariants(options.variants);
  const app = new App({ outdir: options.outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  buildLab(app, settings);
  app.synth();
}
