/** Command-line flags of `npm run verify`. Hand-rolled so the tool starts fast and has no dependency. */

export const GROUPS = ['kube', 'kafka', 'durability', 'qdrant'] as const;
export type Group = (typeof GROUPS)[number];

export type SaslMechanism = 'scram-sha-256' | 'scram-sha-512' | 'plain';

export interface Options {
  help: boolean;
  json: boolean;
  quiet: boolean;
  strict: boolean;
  color: boolean;
  /** Seconds for each network step. */
  timeoutSec: number;
  only?: Group[];
  skip: Group[];

  // Kubernetes target
  kube: boolean;
  kubeconfig?: string;
  context?: string;
  namespace: string;
  selector?: string;
  redpandaName: string;
  qdrantName: string;
  inCluster: boolean;
  portForward: boolean;
  maxRestarts?: number;

  // Kafka
  kafkaBootstrap?: string[];
  topic?: string;
  message?: string;
  saslMechanism?: SaslMechanism;
  username?: string;
  passwordEnv?: string;
  tls: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  tlsServername?: string;
  durabilityMessages: number;
  durabilityPartitions: number;

  // Qdrant
  qdrantUrl?: string;
  qdrantApiKeyEnv?: string;
  qdrantApiKeySecret?: { name: string; key: string };
  ollamaUrl?: string;
  ollamaModel: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const HELP = `npm run verify -- [options]

Checks a deployed datastream stack the way module 07's drills do: Kubernetes workloads, Kafka/Redpanda
metadata, a produce/consume round trip, a durability check and a Qdrant vector round trip. Creates only
uniquely named things (topic/group/collection verify-<time>-<hex>) and deletes them again, also on failure
and Ctrl-C. Exit code 0 only when no selected check failed.

Targets
  --context NAME              kube context (default: the current one)
  --kubeconfig FILE           kubeconfig file (default: $KUBECONFIG or ~/.kube/config)
  -n, --namespace NS          namespace of the lab (default: lab)
  --no-kube                   do not talk to Kubernetes (use only explicit endpoints)
  --port-forward              open tunnels to every Redpanda broker and to Qdrant through the API server,
                              close them on exit (broker i -> 127.0.0.1:<base+i>, base from the StatefulSet
                              annotation datastream.cdk8s.io/port-forward-base, default 9092)
  --in-cluster                use in-cluster Service DNS names (when verify runs as a pod)
  --redpanda-name NAME        Redpanda StatefulSet/Service name (default: rp)
  --qdrant-name NAME          Qdrant StatefulSet/Service name (default: qdrant)
  -l, --selector SEL          only check workloads, pods and PVCs matching this label selector
  --max-restarts N            fail when a container restarted more than N times (default: report only)

Kafka / Redpanda
  --kafka-bootstrap H:P[,..]  bootstrap brokers (default: localhost:9092, the seed's port-forward)
  --topic NAME                produce/consume on this topic instead of a temporary one
                              (--topic dojo-test sends the seed's message 'hello from the dojo'; an existing
                              topic is never deleted)
  --message TEXT              message for the round trip
  --sasl-mechanism M          scram-sha-256 | scram-sha-512 | plain
  --username USER             SASL user
  --password-env VAR          environment variable holding the SASL password
  --tls                       connect with TLS
  --ca-file FILE              CA certificate (PEM) to trust
  --cert-file FILE, --key-file FILE   client certificate and key (mTLS)
  --tls-servername NAME       TLS server name to verify instead of the host
  --durability-messages N     messages in the durability check (default: 1000)
  --durability-partitions N   partitions of the durability topic (default: 3)

Qdrant
  --qdrant-url URL            Qdrant REST URL (default: http://localhost:6333, the seed's port-forward)
  --qdrant-api-key-env VAR    environment variable holding the API key
  --qdrant-api-key-secret S   Secret holding the API key, as NAME/KEY (default: read from the Qdrant
                              StatefulSet's QDRANT__SERVICE__API_KEY secretKeyRef when reachable)
  --ollama-url URL            use real embeddings from an Ollama server (e.g. http://localhost:11434)
  --ollama-model NAME         Ollama embedding model (default: nomic-embed-text)

Selection and output
  --only G[,G]                run only these groups: kube, kafka, durability, qdrant
  --skip G[,G]                skip these groups
  --timeout SEC               bound for each network step (default: 15)
  --strict                    count skipped checks as failures
  --json                      print a JSON report on stdout (the step list goes to stderr)
  -q, --quiet                 no step list (with --json: only the JSON)
  --no-color                  plain output
  -h, --help                  this help
`;

function groupList(flag: string, v: string): Group[] {
  const out: Group[] = [];
  for (const g of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(GROUPS as readonly string[]).includes(g)) throw new UsageError(`${flag}: unknown group "${g}" (groups: ${GROUPS.join(', ')})`);
    out.push(g as Group);
  }
  return out;
}

function positiveInt(flag: string, v: string, min = 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} needs an integer >= ${min}, got "${v}"`);
  return n;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Options {
  const o: Options = {
    help: false,
    json: false,
    quiet: false,
    strict: false,
    color: !env.NO_COLOR && !!process.stdout.isTTY,
    timeoutSec: 15,
    skip: [],
    kube: true,
    namespace: 'lab',
    redpandaName: 'rp',
    qdrantName: 'qdrant',
    inCluster: false,
    portForward: false,
    tls: false,
    durabilityMessages: 1000,
    durabilityPartitions: 3,
    ollamaModel: 'nomic-embed-text',
  };
  const args = [...argv];
  while (args.length) {
    let a = args.shift()!;
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = (): string => {
      const v = inline ?? args.shift();
      if (v === undefined || (inline === undefined && v.startsWith('-') && v.length > 1)) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const flag = (): boolean => {
      if (inline !== undefined) throw new UsageError(`${a} takes no value`);
      return true;
    };
    switch (a) {
      case '-h':
      case '--help':
        o.help = flag();
        break;
      case '--json':
        o.json = flag();
        break;
      case '-q':
      case '--quiet':
        o.quiet = flag();
        break;
      case '--strict':
        o.strict = flag();
        break;
      case '--no-color':
        flag();
        o.color = false;
        break;
      case '--timeout': {
        const n = Number(val());
        if (!(n > 0 && n <= 3600)) throw new UsageError('--timeout needs seconds between 0 and 3600');
        o.timeoutSec = n;
        break;
      }
      case '--only':
        o.only = groupList(a, val());
        break;
      case '--skip':
        o.skip.push(...groupList(a, val()));
        break;
      case '--no-kube':
        flag();
        o.kube = false;
        break;
      case '--kubeconfig':
        o.kubeconfig = val();
        break;
      case '--context':
        o.context = val();
        break;
      case '-n':
      case '--namespace':
        o.namespace = val();
        break;
      case '-l':
      case '--selector':
        o.selector = val();
        break;
      case '--redpanda-name':
        o.redpandaName = val();
        break;
      case '--qdrant-name':
        o.qdrantName = val();
        break;
      case '--in-cluster':
        o.inCluster = flag();
        break;
      case '--port-forward':
        o.portForward = flag();
        break;
      case '--max-restarts':
        o.maxRestarts = positiveInt(a, val(), 0);
        break;
      case '--kafka-bootstrap':
      case '--bootstrap-server':
      case '-b':
        o.kafkaBootstrap = val()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--topic':
      case '-t': {
        const t = val();
        if (!/^[a-zA-Z0-9._-]{1,249}$/.test(t)) throw new UsageError(`--topic "${t}" is not a valid Kafka topic name`);
        o.topic = t;
        break;
      }
      case '--message':
        o.message = val();
        break;
      case '--sasl-mechanism': {
        const m = val().toLowerCase();
        if (m !== 'scram-sha-256' && m !== 'scram-sha-512' && m !== 'plain') throw new UsageError('--sasl-mechanism must be scram-sha-256, scram-sha-512 or plain');
        o.saslMechanism = m;
        break;
      }
      case '--username':
        o.username = val();
        break;
      case '--password-env':
        o.passwordEnv = val();
        break;
      case '--tls':
        o.tls = flag();
        break;
      case '--ca-file':
        o.caFile = val();
        break;
      case '--cert-file':
        o.certFile = val();
        break;
      case '--key-file':
        o.keyFile = val();
        break;
      case '--tls-servername':
        o.tlsServername = val();
        break;
      case '--durability-messages':
        o.durabilityMessages = positiveInt(a, val());
        break;
      case '--durability-partitions':
        o.durabilityPartitions = positiveInt(a, val());
        break;
      case '--qdrant-url':
        o.qdrantUrl = val();
        if (!/^https?:\/\//.test(o.qdrantUrl)) throw new UsageError('--qdrant-url must start with http:// or https://');
        break;
      case '--qdrant-api-key-env':
        o.qdrantApiKeyEnv = val();
        break;
      case '--qdrant-api-key-secret': {
        const v = val();
        const m = /^([a-z0-9.-]+)[/:]([-._a-zA-Z0-9]+)$/.exec(v);
        if (!m) throw new UsageError('--qdrant-api-key-secret must be NAME/KEY');
        o.qdrantApiKeySecret = { name: m[1], key: m[2] };
        break;
      }
      case '--ollama-url':
        o.ollamaUrl = val();
        if (!/^https?:\/\//.test(o.ollamaUrl)) throw new UsageError('--ollama-url must start with http:// or https://');
        break;
      case '--ollama-model':
        o.ollamaModel = val();
        break;
      default:
        throw new UsageError(`unknown option "${a}" (see --help)`);
    }
  }
  if (o.saslMechanism && (!o.username || !o.passwordEnv)) throw new UsageError('--sasl-mechanism needs --username and --password-env');
  if ((o.username || o.passwordEnv) && !o.saslMechanism) throw new UsageError('--username/--password-env need --sasl-mechanism');
  if ((o.caFile || o.certFile || o.keyFile || o.tlsServername) && !o.tls) o.tls = true;
  if (!!o.certFile !== !!o.keyFile) throw new UsageError('--cert-file and --key-file go together');
  if (o.portForward && o.inCluster) throw new UsageError('--port-forward and --in-cluster exclude each other');
  if (o.portForward && !o.kube) throw new UsageError('--port-forward needs Kubernetes access (drop --no-kube)');
  if (!o.kube && o.only?.includes('kube')) throw new UsageError('--only kube and --no-kube exclude each other');
  if (o.qdrantApiKeyEnv && o.qdrantApiKeySecret) throw new UsageError('use either --qdrant-api-key-env or --qdrant-api-key-secret');
  if (o.json && !o.quiet) o.color = false;
  return o;
}

/** Whether a group runs: explicitly selected ("required"), selected by default ("auto") or not at all. */
export function selection(o: Options, g: Group): 'required' | 'auto' | 'off' {
  if (o.skip.includes(g)) return 'off';
  if (o.only) return o.only.includes(g) ? 'required' : 'off';
  return 'auto';
}
