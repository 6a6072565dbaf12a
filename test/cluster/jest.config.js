/** Cluster tier: the lab output applied to a real kube-apiserver + etcd. Run via `bash scripts/cluster/test.sh`. */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // One cluster for the whole run: one file, in band, tests in order.
  maxWorkers: 1,
  testTimeout: 300000,
  verbose: true,
};
