export * from './profile';
export * from './props';
export * from './ports';
export * from './redpanda';
export * from './topic';
export * from './seastar';
export { resolveRedpanda } from './settings';
export type { RedpandaSettings } from './settings';
export { REDPANDA_RULES } from './validate';
