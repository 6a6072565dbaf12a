import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CONFIG_HASH_ANNOTATION, configHash } from './config-hash';
import { HEADLESS_SERVICE_LABEL } from './labels';
import { restrictedPodSecurityContext } from './security';

/**
 * What the brokers and databases of this library share as StatefulSets (built on `k8s.KubeStatefulSet`, since
 * cdk8s-plus-28's StatefulSet has no volume claim templates): Parallel pod management (peers must find each other
 * before any is Ready), claims retained on delete and scale-down, the config hash on the pod template, restricted
 * pod security, no service-account token and no service-link environment.
 */
export interface StatefulWorkloadOptions {
  /** The headless Service that gives pods their DNS names. */
  readonly serviceName: string;
  readonly replicas: number;
  /** Selector labels (never the version). */
  readonly selector: { [key: string]: string };
  /** Pod labels (selector labels plus common labels). */
  readonly labels: { [key: string]: string };
  /** The configuration the pods mount; its hash rolls the pods when it changes. */
  readonly configData: { [key: string]: string };
  readonly serviceAccountName: string;
  readonly terminationGracePeriodSeconds: number;
  /** uid (and gid, fsGroup) of the pod. */
  readonly runAsUser: number;
  /** Affinity and topology spread. @default - none */
  readonly scheduling?: { affinity?: k8s.Affinity; topologySpreadConstraints?: k8s.TopologySpreadConstraint[] };
  readonly containers: k8s.Container[];
  readonly volumes: k8s.Volume[];
  readonly volumeClaimTemplates: k8s.KubePersistentVolumeClaimProps[];
}

/** The StatefulSet spec shared by Redpanda and Qdrant. */
export function statefulWorkloadSpec(o: StatefulWorkloadOptions): k8s.StatefulSetSpec {
  return {
    serviceName: o.serviceName,
    replicas: o.replicas,
    podManagementPolicy: 'Parallel',
    updateStrategy: { type: 'RollingUpdate' },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    selector: { matchLabels: o.selector },
    template: {
      metadata: { labels: o.labels, annotations: { [CONFIG_HASH_ANNOTATION]: configHash(o.configData) } },
      spec: {
        serviceAccountName: o.serviceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: o.terminationGracePeriodSeconds,
        securityContext: restrictedPodSecurityContext({ runAsUser: o.runAsUser }),
        ...(o.scheduling ?? {}),
        containers: o.containers,
        volumes: o.volumes,
      },
    },
    volumeClaimTemplates: o.volumeClaimTemplates,
  };
}

/** A ReadWriteOnce claim template; only selector labels (claim templates are immutable). */
export function claimTemplate(name: string, selector: { [key: string]: string }, size: string, storageClassName?: string): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name, labels: selector },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(size) } },
    },
  };
}

/** A TCP Service port that targets the container port of the same name. */
export function tcpServicePort(name: string, port: number): k8s.ServicePort {
  return { name, port, targetPort: k8s.IntOrString.fromString(name), protocol: 'TCP' };
}

/** A named TCP container port. */
export function tcpContainerPort(name: string, containerPort: number): k8s.ContainerPort {
  return { name, containerPort, protocol: 'TCP' };
}

/**
 * A PodDisruptionBudget of one pod at a time. Unhealthy pods may always be evicted, so a member stuck NotReady
 * never blocks a node drain forever.
 */
export function onePodAtATimeBudget(scope: Construct, id: string, metadata: k8s.ObjectMeta, selector: { [key: string]: string }): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, id, {
    metadata,
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
}

/** Name, namespace, labels, selector and ports of a Service. */
export interface ServiceOptions {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly selector: { [key: string]: string };
  readonly ports: k8s.ServicePort[];
}

/**
 * The headless Service that gives StatefulSet pods their DNS names. It publishes not-ready addresses (peers must
 * resolve each other before any is Ready) and carries HEADLESS_SERVICE_LABEL so a ServiceMonitor can select it alone.
 */
export function headlessService(scope: Construct, id: string, o: ServiceOptions): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name: o.name, namespace: o.namespace, labels: { ...o.labels, [HEADLESS_SERVICE_LABEL]: 'true' } },
    spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: o.selector, ports: o.ports },
  });
}

/** The ClusterIP Service clients use. */
export function clientService(scope: Construct, id: string, o: ServiceOptions): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
    spec: { type: 'ClusterIP', selector: o.selector, ports: o.ports },
  });
}
