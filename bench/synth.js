#!/usr/bin/env node
'use strict';
// Prints the median wall time of `npm run synth` (the lab app into dist/) over repeated runs.
// Usage: node bench/synth.js [runs=15] [-- synth args]. Target: under 0.5 s on the 2-core machine.
const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const runs = Number(process.argv[2] || 15);
const extra = process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];

function once(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One warm-up run builds the bundle cache (.cache/ts-run), as any second synth on a machine would find it.
once('npm', ['run', 'synth', '--silent', ...(extra.length ? ['--', ...extra] : [])]);
const npmTimes = Array.from({ length: runs }, () => once('npm', ['run', 'synth', '--silent', ...(extra.length ? ['--', ...extra] : [])]));
const nodeTimes = Array.from({ length: runs }, () => once('node', ['scripts/synth.js', ...extra]));
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
console.log(`npm run synth ${extra.join(' ')}`.trim());
console.log(`  runs: ${runs}`);
console.log(`  median: ${fmt(median(npmTimes))}   min: ${fmt(Math.min(...npmTimes))}   max: ${fmt(Math.max(...npmTimes))}`);
console.log(`node scripts/synth.js (without npm's own start-up)`);
console.log(`  median: ${fmt(median(nodeTimes))}   min: ${fmt(Math.min(...nodeTimes))}   max: ${fmt(Math.max(...nodeTimes))}`);
console.log(`target: under 0.500 s -> ${median(npmTimes) < 500 ? 'met' : 'NOT met'}`);
