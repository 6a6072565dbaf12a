import { IConstruct } from 'constructs';

/**
 * Synth-time validation as a rule table (the AWS CDK `validate-*-props` style). Every rule names the prop it
 * checks, reads the offending value and says what is allowed; all failing rules are reported together, each
 * with the construct path, so one synth shows every mistake. Constructs validate in their constructor, before
 * emitting anything, so a failed synth writes nothing.
 */
export interface ValidationRule<T> {
  /** Prop path as the user wrote it, e.g. `storage.size`. */
  readonly prop: string;
  /** Reads the value under test from the resolved settings. */
  readonly value: (s: T) => unknown;
  /** True when the value is acceptable. */
  readonly check: (value: any, s: T) => boolean;
  /** What is allowed, in words (may depend on other settings). */
  readonly allowed: string | ((s: T) => string);
  /** Only evaluate the rule when this holds. @default - always */
  readonly when?: (s: T) => boolean;
}

/** One failed rule. */
export interface ValidationFailure {
  readonly path: string;
  readonly prop: string;
  readonly value: unknown;
  readonly message: string;
}

/** Thrown when props fail validation; `failures` lists every failed rule. */
export class DatastreamValidationError extends Error {
  public readonly failures: ValidationFailure[];
  constructor(failures: ValidationFailure[]) {
    super(
      failures.length === 1
        ? failures[0].message
        : `${failures.length} invalid props:\n${failures.map((f) => `  - ${f.message}`).join('\n')}`,
    );
    this.name = 'DatastreamValidationError';
    this.failures = failures;
  }
}

/** Renders a value for an error message: strings quoted, objects as JSON. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Formats one failure message: `[path] Kind prop 'x': value 5 is invalid; allowed: ...`. */
export function failureMessage(scope: IConstruct, kind: string, prop: string, value: unknown, allowed: string): string {
  return `[${scope.node.path}] ${kind} prop '${prop}': ${show(value)} is invalid; allowed: ${allowed}`;
}

/** Runs the rules and throws one DatastreamValidationError that lists every failure. */
export function validate<T>(scope: IConstruct, kind: string, settings: T, rules: ReadonlyArray<ValidationRule<T>>): void {
  const failures: ValidationFailure[] = [];
  for (const r of rules) {
    if (r.when && !r.when(settings)) continue;
    let value: unknown;
    let ok: boolean;
    try {
      value = r.value(settings);
      ok = r.check(value, settings);
    } catch (e) {
      ok = false;
      value = value ?? (e as Error).message;
    }
    if (!ok) {
      const allowed = typeof r.allowed === 'function' ? r.allowed(settings) : r.allowed;
      failures.push({ path: scope.node.path, prop: r.prop, value, message: failureMessage(scope, kind, r.prop, value, allowed) });
    }
  }
  if (failures.length) throw new DatastreamValidationError(failures);
}

/** Metadata type under which construct warnings are recorded (read them with `node.metadata`). */
export const WARNING_METADATA = 'datastream:warning';

/**
 * Records a warning on the construct (so tests and tools can read it) and prints it to stderr at synth time,
 * unless DATASTREAM_QUIET_WARNINGS is set.
 */
export function warn(scope: IConstruct, message: string): void {
  const text = `[${scope.node.path}] warning: ${message}`;
  scope.node.addMetadata(WARNING_METADATA, text);
  if (!process.env.DATASTREAM_QUIET_WARNINGS) process.stderr.write(text + '\n');
}

/** Warnings recorded on a construct and its children. */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === WARNING_METADATA).map((m) => String(m.data)));
}

// Common checks, shared by the rule tables.
export const isPositiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
export const isNonNegativeInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
export const isIntIn = (lo: number, hi: number) => (v: unknown): boolean => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
export const isPort = isIntIn(1, 65535);
export const isNodePort = isIntIn(30000, 32767);
/** RFC 1123 DNS label, as Kubernetes requires for Service and StatefulSet names. */
export const isDnsLabel = (v: unknown): boolean => typeof v === 'string' && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v);
/** RFC 1035 label, as Kubernetes requires for Service names: starts with a letter. */
export const isServiceName = (v: unknown): boolean => typeof v === 'string' && /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v);
/** RFC 1123 subdomain (ConfigMap, Secret names). */
export const isDnsSubdomain = (v: unknown): boolean =>
  typeof v === 'string' && v.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v);
/** Values that must be unique in a list. */
export const allUnique = (v: unknown): boolean => Array.isArray(v) && new Set(v).size === v.length;
