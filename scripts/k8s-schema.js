'use strict';
// The Kubernetes 1.28 OpenAPI definitions used for offline validation: ../shared/k8s-schemas (or
// $DATASTREAM_K8S_SCHEMAS), else the pinned upstream file downloaded once into .cache/.
const fs = require('fs');
const path = require('path');
const { download, ROOT } = require('./crds');

const RELATIVE = path.join('v1.28.0', '_definitions.json');
// cdk8s-team/cdk8s, kubernetes-schemas/v1.28.0/_definitions.json at the commit that last changed it.
const URL = 'https://raw.githubusercontent.com/cdk8s-team/cdk8s/749720900394df4dde7b71e3678e96b889ff6202/kubernetes-schemas/v1.28.0/_definitions.json';

function candidates() {
  return [
    process.env.DATASTREAM_K8S_SCHEMAS && path.join(process.env.DATASTREAM_K8S_SCHEMAS, RELATIVE),
    path.resolve(ROOT, '..', 'shared', 'k8s-schemas', RELATIVE),
    path.join(ROOT, '.cache', 'k8s-schemas', RELATIVE),
  ].filter(Boolean);
}

/** The path of the schema file if it is on disk already. */
function k8sSchemaFileSync() {
  return candidates().find((f) => fs.existsSync(f));
}

/** The path of the schema file, downloading the pinned upstream file when no local copy exists. */
async function k8sSchemaFile() {
  const local = k8sSchemaFileSync();
  if (local) return local;
  const dest = candidates()[candidates().length - 1];
  try {
    return await download(URL, dest);
  } catch (e) {
    throw new Error(`the Kubernetes 1.28 schema is not in ${candidates().slice(0, -1).join(' or ')} and could not be downloaded from ${URL}: ${e.message}`);
  }
}

module.exports = { k8sSchemaFile, k8sSchemaFileSync };
