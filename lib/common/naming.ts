import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** The cluster DNS domain used in every FQDN we emit. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/**
 * The namespace a construct's objects live in: the explicit prop, else the chart's namespace. Constructs that
 * compute FQDNs need one, so this throws (naming the construct) when neither is set.
 */
export function resolveNamespace(scope: IConstruct, kind: string, explicit?: string): string {
  const ns = explicit ?? Chart.of(scope).namespace;
  if (!ns) {
    throw new Error(
      `[${scope.node.path}] ${kind} prop 'namespace': undefined is invalid; allowed: a namespace name, set either on the construct or on its Chart ` +
        '(in-cluster addresses such as rp-0.rp.lab.svc.cluster.local are computed at synth time)',
    );
  }
  return ns;
}

/** `<service>.<namespace>.svc.<domain>` (no trailing dot: Java clients reject it in TLS SNI). */
export function serviceFqdn(service: string, namespace: string, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  return `${service}.${namespace}.svc.${clusterDomain}`;
}

/** `<pod>.<headless service>.<namespace>.svc.<domain>` for a StatefulSet pod. */
export function podFqdn(pod: string, headless: string, namespace: string, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  return `${pod}.${headless}.${namespace}.svc.${clusterDomain}`;
}
