// Fast tier: make sure the offline schemas are on disk before any worker starts (downloads the pinned files when
// ../shared is absent), so a missing schema fails the run here with its reason instead of in every test.
module.exports = async () => {
  const { k8sSchemaFile } = require('../scripts/k8s-schema');
  const { allInstallFiles } = require('../scripts/crds');
  process.env.DATASTREAM_K8S_SCHEMA_FILE = await k8sSchemaFile();
  await allInstallFiles();
};
