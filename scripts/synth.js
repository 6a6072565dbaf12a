#!/usr/bin/env node
'use strict';
// `npm run synth [-- --variant a,b]`: synthesizes the lab app (main.ts) into dist/, all-or-nothing. The app is
// written into a fresh temporary folder next to dist/; only when every chart synthesized does it replace dist/,
// so a validation error leaves dist/ exactly as it was.
const path = require('path');
const { loadWithCodeCache } = require('./ts-run');
const { atomicSynth } = require('./atomic-synth');

const ROOT = path.resolve(__dirname, '..');

function parseArgs(argv) {
  const out = { variants: undefined, outdir: process.env.CDK8S_OUTDIR || path.join(ROOT, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(0, eq) : a;
    const val = () => (eq > 0 ? a.slice(eq + 1) : argv[++i]);
    if (key === '--variant' || key === '--variants') out.variants = val();
    else if (key === '--outdir' || key === '-o') out.outdir = path.resolve(val());
    else if (key === '--help' || key === '-h') out.help = true;
    else throw new Error(`unknown argument ${a}; usage: npm run synth -- [--variant NAME[,NAME]] [--outdir DIR]`);
  }
  out.variants = out.variants ?? process.env.DATASTREAM_VARIANT ?? 'default';
  return out;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const { exports: lab, saveCodeCache } = loadWithCodeCache(path.join(ROOT, 'main.ts'));
  if (args.help) {
    process.stdout.write(`usage: npm run synth -- [--variant NAME[,NAME]] [--outdir DIR]\nvariants: ${Object.keys(lab.VARIANTS).join(', ')}\ncombinations: ${lab.COMBINATIONS.join(' ')}\n`);
    return;
  }
  const outdir = args.outdir;
  let files;
  try {
    files = atomicSynth(outdir, (tmp) => lab.synthLab({ outdir: tmp, variants: args.variants }));
  } catch (e) {
    process.stderr.write(`synth failed; ${path.relative(process.cwd(), outdir) || outdir}/ was left as it was.\n${e && e.message ? e.message : e}\n`);
    process.exit(1);
  }
  process.stdout.write(`${path.relative(process.cwd(), outdir) || outdir}/ (${args.variants}): ${files.join(', ')}\n`);
  saveCodeCache();
}

main();
