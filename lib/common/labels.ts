/**
 * Labels, in the Bitnami-common way: selector labels never carry the version (a selector is immutable, so a
 * version in it would orphan pods on upgrade); the version goes into the common labels only.
 */

/** Label keys used across the library. */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';

/** Identity of one deployed component. */
export interface ComponentIdentity {
  /** The software, e.g. `redpanda`, `qdrant`. */
  readonly app: string;
  /** The instance name (the construct's `name`), e.g. `rp`. */
  readonly instance: string;
  /** The role inside the instance, e.g. `broker`, `database`. */
  readonly component: string;
  /** The software version (image tag); only in the common labels. */
  readonly version?: string;
}

/** Labels that select the pods of a component: stable across upgrades, never include the version. */
export function selectorLabels(id: ComponentIdentity): { [key: string]: string } {
  return {
    [LABEL_NAME]: id.app,
    [LABEL_INSTANCE]: id.instance,
    [LABEL_COMPONENT]: id.component,
  };
}

/** Labels for every object of a component: the selector labels plus version, part-of and managed-by. */
export function commonLabels(id: ComponentIdentity): { [key: string]: string } {
  const labels: { [key: string]: string } = {
    ...selectorLabels(id),
    [LABEL_PART_OF]: 'cdk8s-datastream',
    [LABEL_MANAGED_BY]: 'cdk8s',
  };
  if (id.version) labels[LABEL_VERSION] = labelValue(id.version);
  return labels;
}

/** Makes a string a valid label value (63 chars, alphanumerics, `-_.`, alphanumeric at both ends). */
export function labelValue(v: string): string {
  return v.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** Label on headless Services, so a ServiceMonitor can select them alone (the client Service has the same selector labels). */
export const HEADLESS_SERVICE_LABEL = 'datastream.cdk8s.io/headless';
