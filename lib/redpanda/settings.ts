import { IMAGES, imageRef } from '../common/images';
import { DEFAULT_CLUSTER_DOMAIN } from '../common/naming';
import { isQuantity, parseBytes, parseMillicores } from '../common/quantity';
import { AntiAffinity } from '../common/scheduling';
import { RedpandaProfile, PROFILE_DEFAULTS } from './profile';
import { RedpandaLogLevel, RedpandaProps, ScramMechanism } from './props';

/** Everything the model and the emitter need, with every default applied. Pure data. */
export interface RedpandaSettings {
  readonly name: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly profile: RedpandaProfile;
  readonly replicas: number;
  readonly image: string;
  readonly cpu: string;
  readonly memory: string;
  /** Parsed cpu (NaN when malformed; validation reports it). */
  readonly millicores: number;
  /** Parsed memory in bytes (NaN when malformed). */
  readonly memoryBytes: number;
  readonly developerMode: boolean;
  readonly overprovisioned: boolean;
  readonly guaranteedQos: boolean;
  readonly storageSize: string;
  readonly storageClassName?: string;
  readonly antiAffinity: AntiAffinity;
  readonly logLevel: RedpandaLogLevel;
  readonly portForward?: { readonly basePort: number };
  readonly external?: { readonly addresses: string[]; readonly nodePortBase: number };
  readonly sasl?: { readonly usersSecretName: string; readonly superusers: string[]; readonly users: string[]; readonly mechanism: ScramMechanism };
  readonly tls?: { readonly certManager: boolean; readonly issuerName?: string; readonly secretName: string; readonly userSecret: boolean };
  readonly clusterConfig: { [key: string]: string };
  readonly serviceMonitor: boolean;
}

function parseOr(f: (q: string) => number, q: string): number {
  try {
    return isQuantity(q) ? f(q) : NaN;
  } catch {
    return NaN;
  }
}

/** Applies the profile and every default to the user's props. */
export function resolveRedpanda(id: string, namespace: string, props: RedpandaProps): RedpandaSettings {
  const profile = props.profile ?? RedpandaProfile.LAB;
  // An unknown profile resolves with LAB defaults so that validation can report it.
  const p = PROFILE_DEFAULTS[profile] ?? PROFILE_DEFAULTS[RedpandaProfile.LAB];
  const name = props.name ?? id;
  const cpu = props.resources?.cpu ?? p.cpu;
  const memory = props.resources?.memory ?? p.memory;
  const millicores = parseOr(parseMillicores, cpu);
  const pf = props.portForward;
  const saslUsers = props.sasl ? [...props.sasl.superusers, ...(props.sasl.users ?? []).filter((u) => !props.sasl!.superusers.includes(u))] : [];
  const userTlsSecret = props.tls?.secretName;
  return {
    name,
    namespace,
    clusterDomain: props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    profile,
    replicas: props.replicas ?? 1,
    image: props.image ?? imageRef(IMAGES.redpanda),
    cpu,
    memory,
    millicores,
    memoryBytes: parseOr(parseBytes, memory),
    developerMode: props.developerMode ?? p.developerMode,
    overprovisioned: props.overprovisioned ?? (p.overprovisioned || millicores < 1000),
    guaranteedQos: p.guaranteedQos,
    storageSize: props.storage?.size ?? '1Gi',
    storageClassName: props.storage?.storageClassName,
    antiAffinity: props.antiAffinity ?? p.antiAffinity,
    logLevel: props.logLevel ?? RedpandaLogLevel.INFO,
    portForward: pf?.enabled === false ? undefined : { basePort: pf?.basePort ?? 9092 },
    external: props.external ? { addresses: [...props.external.addresses], nodePortBase: props.external.nodePortBase ?? 31092 } : undefined,
    sasl: props.sasl
      ? {
          usersSecretName: props.sasl.usersSecretName,
          superusers: [...props.sasl.superusers],
          users: saslUsers,
          mechanism: props.sasl.mechanism ?? ScramMechanism.SCRAM_SHA_512,
        }
      : undefined,
    tls:
      props.tls && (props.tls.certManager || userTlsSecret)
        ? {
            certManager: props.tls.certManager ?? false,
            issuerName: props.tls.issuerName,
            secretName: userTlsSecret ?? `${name}-tls`,
            userSecret: !!userTlsSecret,
          }
        : props.tls
          ? { certManager: false, secretName: '', userSecret: false }
          : undefined,
    clusterConfig: { ...(props.clusterConfig ?? {}) },
    serviceMonitor: props.serviceMonitor ?? false,
  };
}
