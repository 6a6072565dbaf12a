'use strict';
// Loads a TypeScript entry point without type-checking (type-checking belongs to `npm run build` and the
// tests): esbuild bundles the project's own sources into .cache/ts-run/, leaving node_modules external, and
// the bundle is reused while no source file has changed.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const ROOT = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['lib', 'imports', 'verify'];

function sourceFingerprint(entry) {
  const h = crypto.createHash('sha1');
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const n of fs.readdirSync(p).sort()) visit(path.join(p, n));
    } else if (p.endsWith('.ts') || p.endsWith('.json')) {
      h.update(`${p}\0${st.size}\0${st.mtimeMs}\0`);
    }
  };
  visit(entry);
  for (const d of SOURCE_DIRS) visit(path.join(ROOT, d));
  visit(path.join(ROOT, 'package.json'));
  return h.digest('hex').slice(0, 16);
}

/**
 * Returns the path of a CommonJS bundle of `entry` (absolute or relative to the repo root). With
 * `bundlePackages`, node_modules are bundled in too (one file to compile, and to cache compiled, for synth).
 */
function bundle(entry, { bundlePackages = false } = {}) {
  const abs = path.resolve(ROOT, entry);
  const name = path.relative(ROOT, abs).replace(/[\\/]/g, '_').replace(/\.ts$/, '') + (bundlePackages ? '.full' : '');
  const out = path.join(ROOT, '.cache', 'ts-run', `${name}-${sourceFingerprint(abs)}.js`);
  if (!fs.existsSync(out)) {
    const esbuild = require('esbuild');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    for (const old of fs.readdirSync(path.dirname(out))) if (old.startsWith(`${name}-`)) fs.rmSync(path.join(path.dirname(out), old), { force: true });
    esbuild.buildSync({
      entryPoints: [abs],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: bundlePackages ? undefined : 'external',
      outfile: out,
      sourcemap: false,
      minify: true,
      keepNames: true,
      logLevel: 'error',
    });
  }
  return out;
}

/** Requires a TypeScript module through the bundle cache. */
function load(entry) {
  return require(bundle(entry));
}

/**
 * Loads a fully bundled entry with V8's code cache (`<bundle>.v8cache`), which skips most compilation on later
 * runs. Returns the module's exports and `saveCodeCache()`, to call after the work is done so that the cache
 * also holds the functions that ran.
 */
function loadWithCodeCache(entry) {
  const vm = require('vm');
  const Module = require('module');
  const file = bundle(entry, { bundlePackages: true });
  const cacheFile = `${file}.v8cache`;
  const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = { exports: {} };
  const req = Module.createRequire(file);
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  const saveCodeCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      fs.writeFileSync(cacheFile, script.createCachedData());
    } catch {
      // a cache that cannot be written only costs speed
    }
  };
  return { exports: mod.exports, saveCodeCache };
}

module.exports = { bundle, load, loadWithCodeCache };
