'use strict';
// `npm run verify`: bundles verify/main.ts through the ts-run cache (no type-check, fast start) and runs it.
require('./ts-run').load('verify/main.ts').main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
