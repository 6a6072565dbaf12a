// Proves the cluster tier's kubeconfig works with @kubernetes/client-node (an ES module since 1.x, so it runs
// in plain node, outside jest's CommonJS loader). Usage: node client-node-check.mjs KUBECONFIG
import * as k8s from '@kubernetes/client-node';

const kc = new k8s.KubeConfig();
kc.loadFromFile(process.argv[2]);
const core = kc.makeApiClient(k8s.CoreV1Api);
const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
const namespaces = await core.listNamespace();
const crds = await ext.listCustomResourceDefinition();
process.stdout.write(JSON.stringify({
  server: kc.getCurrentCluster()?.server,
  namespaces: namespaces.items.map((n) => n.metadata?.name),
  crds: crds.items.map((c) => c.metadata?.name),
}) + '\n');
