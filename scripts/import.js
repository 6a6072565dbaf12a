#!/usr/bin/env node
'use strict';
// Regenerates imports/ from the upstream CRDs: one multi-document file per API group (a second import of the
// same group would overwrite the first), fed to `cdk8s import` through cdk8s.yaml. The joined files live in
// .cache/import/ and are never committed.
const path = require('path');
const { execFileSync } = require('child_process');
const { GROUPS, multiDocument, ROOT } = require('./crds');

(async () => {
  const dir = path.join(ROOT, '.cache', 'import');
  for (const group of Object.keys(GROUPS)) await multiDocument(group, dir);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['import', '--no-check-upgrade'], { cwd: ROOT, stdio: 'inherit' });
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
