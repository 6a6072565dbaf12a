export * from './cluster';
export * from './topic-spec';
