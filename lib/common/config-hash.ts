import { createHash } from 'crypto';

/** Pod-template annotation that carries the hash of the configuration the pods mount. */
export const CONFIG_HASH_ANNOTATION = 'datastream.cdk8s.io/config-hash';

/**
 * A stable sha256 over configuration content (strings, or objects serialised with sorted keys). Put it on the
 * pod template so a config change rolls the pods (the grafana jsonnet-libs `configMapVolumeMount` idea).
 */
export function configHash(...parts: unknown[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'string' ? p : stableStringify(p));
    h.update('\u0000');
  }
  return h.digest('hex');
}

/** JSON with object keys sorted, so equal content always hashes equally. */
export function stableStringify(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as { [k: string]: unknown };
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
}
