import { k8s } from 'cdk8s-plus-28';

/**
 * Pods that a NetworkPolicy admits, named by labels: the pods matching `podLabels` in the namespace(s) chosen by
 * `namespace` or `namespaceLabels`. At least one of the three must be set, so an empty peer can never silently
 * admit a whole namespace.
 *
 * - `{ podLabels: { app: 'chatbot' } }`: pods labelled `app=chatbot` in the policy's own namespace;
 * - `{ namespace: 'keda' }`: every pod of namespace `keda`;
 * - `{ namespace: 'apps', podLabels: { app: 'chatbot' } }`: those pods, in namespace `apps`;
 * - `{ namespaceLabels: { team: 'ml' } }`: every pod of every namespace labelled `team=ml`.
 */
export interface NetworkPeer {
  /** Labels of the admitted pods. @default - every pod of the chosen namespace(s) */
  readonly podLabels?: { [key: string]: string };
  /**
   * Namespace of the admitted pods, by name (matched through the `kubernetes.io/metadata.name` label that
   * Kubernetes sets on every namespace). Not together with `namespaceLabels`.
   * @default - the policy's own namespace (unless namespaceLabels is set)
   */
  readonly namespace?: string;
  /** Labels of the namespaces whose pods are admitted. Not together with `namespace`. @default - the policy's own namespace (unless namespace is set) */
  readonly namespaceLabels?: { [key: string]: string };
}

/** The label Kubernetes puts on every Namespace, holding its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** True for a non-empty map of valid label keys to valid label values. */
export const isLabelMap = (v: unknown): boolean =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.keys(v as object).length > 0 &&
  Object.entries(v as { [k: string]: unknown }).every(([k, val]) => LABEL_KEY.test(k) && k.length <= 316 && typeof val === 'string' && LABEL_VALUE.test(val));

/** True when `v` is a NetworkPeer that selects something definite (see {@link NetworkPeer}). */
export function isNetworkPeer(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = v as NetworkPeer;
  const known = ['podLabels', 'namespace', 'namespaceLabels'];
  if (Object.keys(p).some((k) => !known.includes(k) && (p as any)[k] !== undefined)) return false;
  if (p.podLabels === undefined && p.namespace === undefined && p.namespaceLabels === undefined) return false;
  if (p.namespace !== undefined && p.namespaceLabels !== undefined) return false;
  if (p.podLabels !== undefined && !isLabelMap(p.podLabels)) return false;
  if (p.namespaceLabels !== undefined && !isLabelMap(p.namespaceLabels)) return false;
  if (p.namespace !== undefined && !(typeof p.namespace === 'string' && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(p.namespace))) return false;
  return true;
}

/** What a NetworkPeer allows, in words (for validation messages). */
export const NETWORK_PEER_ALLOWED =
  'peers with podLabels, namespace or namespaceLabels (at least one; namespace and namespaceLabels not together), label maps non-empty with valid label keys and values, namespace a DNS label';

/** The Kubernetes NetworkPolicyPeer for a (valid) NetworkPeer. */
export function networkPolicyPeer(p: NetworkPeer): k8s.NetworkPolicyPeer {
  const namespaceSelector =
    p.namespace !== undefined
      ? { matchLabels: { [NAMESPACE_NAME_LABEL]: p.namespace } }
      : p.namespaceLabels !== undefined
        ? { matchLabels: { ...p.namespaceLabels } }
        : undefined;
  // podSelector {} together with a namespaceSelector means "every pod of those namespaces".
  const podSelector = p.podLabels !== undefined ? { matchLabels: { ...p.podLabels } } : namespaceSelector ? {} : undefined;
  return { ...(podSelector ? { podSelector } : {}), ...(namespaceSelector ? { namespaceSelector } : {}) };
}
