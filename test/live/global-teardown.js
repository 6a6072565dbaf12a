'use strict';
const fs = require('fs');
const path = require('path');

module.exports = async () => {
  const live = globalThis.__LIVE_KAFKA__;
  if (!live) return;
  await live.stop();
  fs.rmSync(path.dirname(live.file), { recursive: true, force: true });
  delete process.env.LIVE_KAFKA_STATE;
};
