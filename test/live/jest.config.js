/**
 * Live tier: `npm run verify` against real software started by the tests — an Apache Kafka broker (KRaft,
 * jars from Maven Central), the cluster tier's kube-apiserver — plus clearly named stand-ins where no real
 * server can run here (Qdrant, the kubelet's port-forward streaming). Run via `bash scripts/live/test.sh`.
 */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  testEnvironment: 'node',
  roots: ['<rootDir>/test/live'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // One broker for the whole run, shared by every file: in band, one file at a time.
  maxWorkers: 1,
  globalSetup: '<rootDir>/test/live/global-setup.js',
  globalTeardown: '<rootDir>/test/live/global-teardown.js',
  testTimeout: 180000,
  verbose: true,
};
