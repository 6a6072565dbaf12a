'use strict';
// Starts the live tier's Kafka broker once for all test files (or reuses one described by LIVE_KAFKA_STATE,
// a JSON file written by `node scripts/live/kafka.js run`). Fails the run loudly if it cannot start.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startBroker, stopSync } = require('../../scripts/live/kafka');

module.exports = async () => {
  if (process.env.LIVE_KAFKA_STATE) {
    JSON.parse(fs.readFileSync(process.env.LIVE_KAFKA_STATE, 'utf8'));
    return;
  }
  const broker = await startBroker();
  const { stop, killNode, startNode, ...state } = broker;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-datastream-live-')), 'kafka-state.json');
  fs.writeFileSync(file, JSON.stringify(state, null, 2));
  process.env.LIVE_KAFKA_STATE = file;
  globalThis.__LIVE_KAFKA__ = { stop, state, file };
  process.on('exit', () => stopSync(state));
};
