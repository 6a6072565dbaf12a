import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { validateCustomObjects } from '../util/crd-schema';
import { isBuiltinKind, validateK8sObjects } from '../util/schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { crdFile, groupFiles } = require('../../scripts/crds');

/** Paths of the KEDA CRDs the library emits objects of (ScaledObject, TriggerAuthentication, ClusterTriggerAuthentication). */
export async function kedaCrdPaths(): Promise<string[]> {
  return Promise.all(
    ['keda.sh_scaledobjects.yaml', 'keda.sh_triggerauthentications.yaml', 'keda.sh_clustertriggerauthentications.yaml'].map((f) => crdFile('keda.sh', f)),
  );
}

/** The KEDA CRDs plus the other groups a Kafka cluster may emit (cert-manager, Prometheus operator, Strimzi). */
export async function allCrdPaths(): Promise<string[]> {
  const groups = await Promise.all(['kafka.strimzi.io', 'cert-manager.io', 'monitoring.coreos.com'].map((g) => groupFiles(g)));
  return [...(await kedaCrdPaths()), ...groups.flat()];
}

/**
 * Every error of every object: built-in kinds against the Kubernetes 1.28 schema, KEDA kinds against their CRD.
 * An object that is neither (a kind nobody validates) is an error too.
 */
export function schemaErrors(objs: any[], crdPaths: string[]): string[] {
  return [...validateK8sObjects(objs), ...validateCustomObjects(objs, crdPaths, { isBuiltin: (o) => isBuiltinKind(o.apiVersion, o.kind) })];
}

/** A minimal L1 Deployment to scale (no replicas: the autoscaler owns them). */
export function l1Deployment(chart: Chart, name: string): k8s.KubeDeployment {
  return new k8s.KubeDeployment(chart, name, {
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] } },
    },
  });
}
