'use strict';
// All-or-nothing synthesis: `write(tmp)` fills a fresh folder next to `outdir`; only when it returns does that
// folder replace `outdir`. When it throws, the folder is removed and `outdir` stays exactly as it was.
const fs = require('fs');
const path = require('path');

function atomicSynth(outdir, write) {
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}-`));
  // mkdtemp creates 0700; give the output the permissions a plain mkdir would.
  fs.chmodSync(tmp, 0o777 & ~process.umask());
  try {
    write(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = `${tmp}.old`;
  if (fs.existsSync(outdir)) fs.renameSync(outdir, old);
  fs.renameSync(tmp, outdir);
  fs.rmSync(old, { recursive: true, force: true });
  return fs.readdirSync(outdir).sort();
}

module.exports = { atomicSynth };
