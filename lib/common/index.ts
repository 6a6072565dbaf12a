export * from './labels';
export * from './security';
export * from './config-hash';
export * from './quantity';
export * from './validation';
export * from './naming';
export * from './images';
export * from './scheduling';
