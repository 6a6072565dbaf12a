import { AntiAffinity } from '../common/scheduling';

/**
 * Named sets of defaults. Every default a profile sets can be overridden by an explicit prop.
 *
 * | | LAB | PRODUCTION |
 * |---|---|---|
 * | resources | 500m CPU, 1.5Gi (requests; memory limit = request, no CPU limit) | 4 CPU, 10Gi (requests = limits: Guaranteed QoS) |
 * | developer mode | on (no memory-per-core check; never for real data) | off |
 * | overprovisioned | on (shared, fractional CPUs) | off unless CPU < 1 |
 * | anti-affinity | soft (3 brokers still fit on one kind node) | hard (one broker per node) |
 */
export enum RedpandaProfile {
  /** A laptop or CI cluster (kind, minikube): small, overprovisioned, developer mode. */
  LAB = 'lab',
  /** A production cluster of three or more nodes: whole cores, Guaranteed QoS, one broker per node. */
  PRODUCTION = 'production',
}

/** The values a profile contributes. */
export interface ProfileDefaults {
  readonly cpu: string;
  readonly memory: string;
  readonly developerMode: boolean;
  readonly overprovisioned: boolean;
  readonly antiAffinity: AntiAffinity;
  readonly guaranteedQos: boolean;
}

export const PROFILE_DEFAULTS: { readonly [p in RedpandaProfile]: ProfileDefaults } = {
  [RedpandaProfile.LAB]: {
    cpu: '500m',
    memory: '1536Mi',
    developerMode: true,
    overprovisioned: true,
    antiAffinity: AntiAffinity.SOFT,
    guaranteedQos: false,
  },
  [RedpandaProfile.PRODUCTION]: {
    cpu: '4',
    memory: '10Gi',
    developerMode: false,
    overprovisioned: false,
    antiAffinity: AntiAffinity.HARD,
    guaranteedQos: true,
  },
};
