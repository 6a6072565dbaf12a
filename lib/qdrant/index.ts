export * from './props';
export * from './qdrant';
export * from './ports';
export { qdrantConfig, qdrantNames } from './model';
export { resolveQdrant, HNSW_DEFAULTS, OPTIMIZER_DEFAULTS } from './settings';
export type { QdrantSettings, QdrantQuantizationSettings } from './settings';
export { QDRANT_RULES } from './validate';
