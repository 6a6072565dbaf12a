import { GIB, MIB } from '../common/quantity';

/** Seastar sizing derived from container resources. */
export interface SeastarSizing {
  /** `--smp`: whole cores, at least 1. */
  readonly smp: number;
  /** `--memory` in MiB: 80 % of the container memory. */
  readonly memoryMiB: number;
  /** `--reserve-memory` in MiB: 0.2 % of the container memory + 200 MiB. */
  readonly reserveMiB: number;
  /** Memory Redpanda may use per shard, in bytes. */
  readonly bytesPerCore: number;
}

/**
 * The official chart's legacy sizing (charts/redpanda values.go `RedpandaResources`): `--smp` = whole cores
 * (floored, at least 1), `--memory` = 80 % of container memory, `--reserve-memory` = 0.2 % + 200 MiB.
 */
export function seastarSizing(millicores: number, memoryBytes: number): SeastarSizing {
  const smp = Math.max(1, Math.floor(millicores / 1000));
  const containerMiB = memoryBytes / MIB;
  const memoryMiB = Math.floor(containerMiB * 0.8);
  const reserveMiB = Math.floor(containerMiB * 0.002 + 200);
  return { smp, memoryMiB, reserveMiB, bytesPerCore: (memoryMiB * MIB) / smp };
}

/** The hard floor: Redpanda refuses to start below 1 GiB per shard unless developer mode is on. */
export const MIN_BYTES_PER_CORE = GIB;
/** Below this `--memory` Seastar cannot start at all. */
export const MIN_MEMORY_MIB = 256;

/** Start flags in the order rpk writes them (alphabetical). */
export function seastarFlags(s: SeastarSizing, logLevel: string): string[] {
  return [`--default-log-level=${logLevel}`, `--memory=${s.memoryMiB}M`, `--reserve-memory=${s.reserveMiB}M`, `--smp=${s.smp}`];
}
