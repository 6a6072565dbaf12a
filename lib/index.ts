export * from './common';
export * from './kafka';
export * from './redpanda';
export * from './qdrant';
export * from './keda';
export * from './strimzi';
