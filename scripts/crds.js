'use strict';
// Where the upstream CRDs come from. They are never copied into this repository: we read them from
// ../shared/crds (or $DATASTREAM_CRDS_DIR), and download the pinned upstream file into .cache/ when absent.
const fs = require('fs');
const path = require('path');
const https = require('https');

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, '.cache', 'crds');

/** API group -> files (folder under shared/crds, file name, pinned upstream URL). */
const GROUPS = {
  'kafka.strimzi.io': {
    dir: 'strimzi',
    base: 'https://raw.githubusercontent.com/strimzi/strimzi-kafka-operator/1.2.0/packaging/install/cluster-operator/',
    files: ['040-Crd-kafka.yaml', '043-Crd-kafkatopic.yaml', '044-Crd-kafkauser.yaml', '045-Crd-kafkanodepool.yaml'],
  },
  'keda.sh': {
    dir: 'keda',
    base: 'https://raw.githubusercontent.com/kedacore/keda/v2.20.2/config/crd/bases/',
    // ScaledJob (667 KB) is not used by the library; it is still installed by the cluster tier.
    files: ['keda.sh_scaledobjects.yaml', 'keda.sh_triggerauthentications.yaml', 'keda.sh_clustertriggerauthentications.yaml'],
    installOnly: ['keda.sh_scaledjobs.yaml'],
  },
  'cert-manager.io': {
    dir: 'cert-manager',
    base: 'https://raw.githubusercontent.com/cert-manager/cert-manager/v1.21.1/deploy/crds/',
    files: ['cert-manager.io_certificates.yaml', 'cert-manager.io_issuers.yaml'],
    installOnly: ['cert-manager.io_clusterissuers.yaml'],
  },
  'monitoring.coreos.com': {
    dir: 'prometheus-operator',
    base: 'https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/v0.93.0/example/prometheus-operator-crd/',
    files: ['monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_podmonitors.yaml'],
  },
};

function sharedDir() {
  return process.env.DATASTREAM_CRDS_DIR || path.resolve(ROOT, '..', 'shared', 'crds');
}

function download(url, dest) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { timeout: 30000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        return;
      }
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, Buffer.concat(chunks));
        resolve(dest);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out after 30 s`)));
    req.on('error', reject);
  });
}

/** Absolute path of one upstream CRD file: shared/crds first, then the download cache, else download it. */
async function crdFile(group, file) {
  const g = GROUPS[group];
  if (!g) throw new Error(`unknown CRD group ${group}; known: ${Object.keys(GROUPS).join(', ')}`);
  const local = path.join(sharedDir(), g.dir, file);
  if (fs.existsSync(local)) return local;
  const cached = path.join(CACHE, g.dir, file);
  if (fs.existsSync(cached)) return cached;
  try {
    return await download(g.base + file, cached);
  } catch (e) {
    throw new Error(`CRD ${file} is not in ${path.join(sharedDir(), g.dir)} and could not be downloaded from ${g.base + file}: ${e.message}`);
  }
}

/** All files of a group (for install: includes installOnly files). */
async function groupFiles(group, { install = false } = {}) {
  const g = GROUPS[group];
  const names = install ? [...g.files, ...(g.installOnly || [])] : g.files;
  return Promise.all(names.map((f) => crdFile(group, f)));
}

/** Every CRD file, for installing into a cluster. */
async function allInstallFiles() {
  const out = [];
  for (const group of Object.keys(GROUPS)) out.push(...(await groupFiles(group, { install: true })));
  return out;
}

/** Joins a group's files into one multi-document file (documents separated by ---). */
async function multiDocument(group, destDir) {
  const files = await groupFiles(group);
  const body = files.map((f) => fs.readFileSync(f, 'utf8').replace(/^---\s*\n/, '').trimEnd()).join('\n---\n') + '\n';
  const dest = path.join(destDir, `${group}.yaml`);
  fs.mkdirSync(destDir, { recursive: true });
  fs.writeFileSync(dest, body);
  return dest;
}

module.exports = { GROUPS, sharedDir, crdFile, groupFiles, allInstallFiles, multiDocument, download, ROOT };
