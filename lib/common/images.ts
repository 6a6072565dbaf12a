/**
 * Every container image the library emits, pinned in one place (the kube-prometheus `versions.json` idea).
 * Bumping a version here is the only change needed to upgrade; selector labels never carry it.
 */
export const IMAGES = {
  /** Redpanda broker (also carries `rpk`, used by the topic Job and the sample consumer). */
  redpanda: { repository: 'docker.redpanda.com/redpandadata/redpanda', tag: 'v26.2.1' },
  /** Qdrant, unprivileged variant (uid 1000, no root init container needed). */
  qdrant: { repository: 'docker.io/qdrant/qdrant', tag: 'v1.19.0-unprivileged' },
} as const;

/** Versions of things that are not images but are pinned with them. */
export const VERSIONS = {
  /** Kafka version run by Strimzi 1.2.0 (its default) and the matching KRaft metadata version. */
  strimziKafka: '4.3.1',
  strimziMetadata: '4.3-IV0',
  /** The Strimzi cluster operator (and CRD) release the Strimzi constructs are written against. */
  strimziOperator: '1.2.0',
} as const;

/** `repository:tag`. */
export function imageRef(i: { readonly repository: string; readonly tag: string }): string {
  return `${i.repository}:${i.tag}`;
}
