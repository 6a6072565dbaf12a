import { k8s } from 'cdk8s-plus-28';

/** How strictly replicas are kept apart on different nodes. */
export enum AntiAffinity {
  /** Prefer different nodes; still schedule on one node (kind, single-node labs). */
  SOFT = 'soft',
  /** Require different nodes: replicas beyond the node count stay Pending. */
  HARD = 'hard',
  /** No anti-affinity. */
  NONE = 'none',
}

/**
 * Pod anti-affinity on the hostname plus a zone spread, for replicas of one component. Soft by default, so a
 * 3-replica cluster still schedules on a 1-node kind cluster; hard on request for production.
 */
export function spreadAffinity(selector: { [key: string]: string }, mode: AntiAffinity): {
  affinity?: k8s.Affinity;
  topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
} {
  if (mode === AntiAffinity.NONE) return {};
  const term: k8s.PodAffinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' };
  const podAntiAffinity: k8s.PodAntiAffinity =
    mode === AntiAffinity.HARD
      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] };
  return {
    affinity: { podAntiAffinity },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
    ],
  };
}
