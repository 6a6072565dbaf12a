#!/usr/bin/env node
'use strict';
// Starts the cluster tier's etcd + kube-apiserver for poking at by hand, and keeps them up until Ctrl-C:
//   node scripts/cluster/up.js [--crds]
// prints `export KUBECONFIG=...`; stops both servers and removes the temp dir on Ctrl-C / SIGTERM.
const { execFileSync } = require('child_process');
const path = require('path');
const { load } = require('../ts-run');

const ROOT = path.resolve(__dirname, '..', '..');

async function main() {
  const h = load(path.join(ROOT, 'test', 'cluster', 'harness.ts'));
  const bins = await h.buildBinaries(70 * 60_000);
  const cluster = await h.startCluster(bins);
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nstopping kube-apiserver and etcd...\n');
    await cluster.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(130));
  process.on('SIGTERM', () => stop(143));
  process.stderr.write(`kube-apiserver ready after ${(cluster.startupMs / 1000).toFixed(1)}s at ${cluster.server}\n`);
  if (process.argv.includes('--crds')) {
    const files = execFileSync(process.execPath, ['-e', "require('./scripts/crds').allInstallFiles().then(f=>console.log(f.join('\\n')))"], { cwd: ROOT, encoding: 'utf8' })
      .split('\n').filter(Boolean).flatMap((f) => ['-f', f]);
    const env = cluster.env;
    execFileSync('kubectl', ['apply', '--server-side', '--field-manager=cluster-tier', ...files], { env, stdio: ['ignore', 2, 2], timeout: 180_000 });
    execFileSync('kubectl', ['wait', '--for=condition=Established', '--timeout=120s', ...files], { env, stdio: ['ignore', 2, 2], timeout: 150_000 });
  }
  process.stdout.write(`export KUBECONFIG=${cluster.kubeconfig}\n`);
  process.stderr.write('Ctrl-C to stop.\n');
  setInterval(() => {}, 1 << 30);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
