import { parseBytes, parseMillicores } from '../../lib/common/quantity';
import { seastarFlags, seastarSizing } from '../../lib/redpanda/seastar';

// The official chart's legacy sizing, rendered with helm (reference/redpanda.md §1.10).
describe('Seastar flags from resources', () => {
  test.each([
    // cpu, memory, smp, --memory, --reserve-memory
    ['1', '2.5Gi', 1, 2048, 205], // chart default
    ['500m', '1Gi', 1, 819, 202], // chart: fractional core
    ['500m', '1536Mi', 1, 1228, 203], // our LAB profile
    ['4', '10Gi', 4, 8192, 220], // our PRODUCTION profile
    ['2500m', '6Gi', 2, 4915, 212], // cores are floored
  ])('cpu %s, memory %s -> --smp=%d --memory=%dM --reserve-memory=%dM', (cpu, memory, smp, mem, reserve) => {
    const s = seastarSizing(parseMillicores(cpu), parseBytes(memory));
    expect(s).toMatchObject({ smp, memoryMiB: mem, reserveMiB: reserve });
    expect(seastarFlags(s, 'info')).toEqual([`--default-log-level=info`, `--memory=${mem}M`, `--reserve-memory=${reserve}M`, `--smp=${smp}`]);
  });

  test('memory per core is --memory divided by --smp', () => {
    expect(seastarSizing(4000, parseBytes('4Gi')).bytesPerCore).toBe((3276 * 2 ** 20) / 4);
  });
});

describe('quantity maths', () => {
  test.each([
    ['1Gi', 2 ** 30],
    ['1536Mi', 1536 * 2 ** 20],
    ['2G', 2e9],
    ['512', 512],
    ['1.5Gi', 1.5 * 2 ** 30],
  ])('bytes of %s', (q, b) => expect(parseBytes(q)).toBe(b));
  test.each([
    ['500m', 500],
    ['1', 1000],
    ['2.5', 2500],
  ])('millicores of %s', (q, m) => expect(parseMillicores(q)).toBe(m));
  test.each(['1GB', 'lots', '', '-1Gi', '1 Gi'])('rejects %p as bytes', (q) => expect(() => parseBytes(q)).toThrow(/is not a byte quantity/));
  test('rejects a memory quantity as CPU', () => expect(() => parseMillicores('1Gi')).toThrow(/is not a CPU quantity/));
});
