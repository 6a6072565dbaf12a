/**
 * Kubernetes quantity maths: parse `1Gi`, `512M`, `1500m`, `2` into numbers and back. Only the forms that
 * Kubernetes accepts for memory, storage and CPU are accepted here; anything else throws.
 */

const BINARY: { [suffix: string]: number } = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: { [suffix: string]: number } = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/;

export const MIB = 2 ** 20;
export const GIB = 2 ** 30;

/** True when `q` is a quantity string this library can reason about. */
export function isQuantity(q: string): boolean {
  return typeof q === 'string' && QUANTITY.test(q.trim());
}

/** Bytes in a memory or storage quantity (`1Gi` → 1073741824, `1G` → 1e9). Throws on a malformed quantity. */
export function parseBytes(q: string): number {
  const m = QUANTITY.exec(String(q).trim());
  if (!m || m[2] === 'm') throw new Error(`'${q}' is not a byte quantity (expected e.g. 512Mi, 1Gi, 2G)`);
  const n = parseFloat(m[1]);
  const mult = m[2] ? (BINARY[m[2]] ?? DECIMAL[m[2]]) : 1;
  return Math.round(n * mult);
}

/** Millicores in a CPU quantity (`1` → 1000, `500m` → 500, `1.5` → 1500). Throws on a malformed quantity. */
export function parseMillicores(q: string): number {
  const m = QUANTITY.exec(String(q).trim());
  if (!m || (m[2] && m[2] !== 'm')) throw new Error(`'${q}' is not a CPU quantity (expected e.g. 500m, 1, 2.5)`);
  const n = parseFloat(m[1]);
  return Math.round(m[2] === 'm' ? n : n * 1000);
}

/** Whole mebibytes, floored. */
export function toMebibytes(bytes: number): number {
  return Math.floor(bytes / MIB);
}
