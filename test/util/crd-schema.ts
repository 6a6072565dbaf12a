/**
 * Offline validation of custom resources against the openAPIV3Schema of their upstream CRD (../shared/crds, paths
 * from `require('../../scripts/crds').crdFile(group, file)`).
 *
 * Stricter than ajv on the raw schema, closer to what a real API server with strict field validation does:
 * - every structural object schema (one with `properties`, or `type: object`) that has neither
 *   `additionalProperties` nor `x-kubernetes-preserve-unknown-fields: true` gets `additionalProperties: false`, so an
 *   unknown or misspelt field fails here as the API server would reject (or prune) it. The root `metadata` is left
 *   alone (the API server validates ObjectMeta itself), and so is anything under `allOf`/`anyOf`/`oneOf`/`not`
 *   (value validations, whose properties a structural schema mirrors in the enclosing node);
 * - `x-kubernetes-int-or-string` without `anyOf`/`type` becomes `anyOf: [integer, string]`;
 * - `x-kubernetes-*` keywords are registered as annotation-only keywords.
 * Not checked: CEL rules (`x-kubernetes-validations`), `format` (int32/int64/date-time), list-map key uniqueness.
 * Constructs mirror the CEL rules they can hit in their own synth-time validation.
 */
import * as fs from 'fs';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

const K8S_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
];

/** One served version of a CRD, compiled. */
interface CompiledCrd {
  readonly group: string;
  readonly kind: string;
  readonly versions: Map<string, ValidateFunction>;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
for (const k of K8S_KEYWORDS) ajv.addKeyword({ keyword: k });

const cache = new Map<string, CompiledCrd[]>();

/** Makes a structural schema strict in place (see the file comment). */
export function tightenStructuralSchema(node: any, isRoot = true): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return;
  if (node['x-kubernetes-int-or-string'] === true && node.anyOf === undefined && node.type === undefined) {
    node.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  const isObject = node.type === 'object' || node.properties !== undefined;
  if (isObject && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    node.additionalProperties = false;
  }
  if (node.properties) {
    for (const [name, child] of Object.entries<any>(node.properties)) {
      if (isRoot && name === 'metadata') continue;
      tightenStructuralSchema(child, false);
    }
  }
  if (node.items) tightenStructuralSchema(node.items, false);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') tightenStructuralSchema(node.additionalProperties, false);
  // allOf/anyOf/oneOf/not are value validations: deliberately not walked.
}

/** Loads (and caches) every CustomResourceDefinition in a YAML file, compiling each served version's schema. */
export function loadCrds(crdPath: string): CompiledCrd[] {
  const hit = cache.get(crdPath);
  if (hit) return hit;
  if (!fs.existsSync(crdPath)) throw new Error(`CRD file not found: ${crdPath}`);
  const out: CompiledCrd[] = [];
  for (const doc of parseAllDocuments(fs.readFileSync(crdPath, 'utf8'))) {
    const crd = doc.toJS();
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    const versions = new Map<string, ValidateFunction>();
    for (const v of crd.spec.versions ?? []) {
      if (!v.served) continue;
      const schema = JSON.parse(JSON.stringify(v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }));
      tightenStructuralSchema(schema);
      versions.set(v.name, ajv.compile(schema));
    }
    out.push({ group: crd.spec.group, kind: crd.spec.names.kind, versions });
  }
  if (!out.length) throw new Error(`${crdPath} holds no CustomResourceDefinition`);
  cache.set(crdPath, out);
  return out;
}

function formatError(obj: any, e: ErrorObject): string {
  const p: any = e.params ?? {};
  const detail = p.additionalProperty ? ` '${p.additionalProperty}'` : p.allowedValues ? ` ${JSON.stringify(p.allowedValues)}` : '';
  return `${obj.kind}/${obj.metadata?.name}${e.instancePath || '/'}: ${e.message}${detail}`;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = String(apiVersion).lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/**
 * Validates one custom object against the CRD in `crdPath` (the version matching `obj.apiVersion`). Returns the
 * errors (empty when valid). Throws when the file has no CRD for the object's group/kind or the version is not
 * served (the API server would answer 404 for it).
 */
export function validateAgainstCrd(obj: any, crdPath: string): string[] {
  const { group, version } = splitApiVersion(obj.apiVersion);
  const crd = loadCrds(crdPath).find((c) => c.group === group && c.kind === obj.kind);
  if (!crd) throw new Error(`${crdPath} defines no CRD for ${obj.apiVersion} ${obj.kind}`);
  const fn = crd.versions.get(version);
  if (!fn) throw new Error(`${obj.kind} ${group}/${version} is not served by ${crdPath}; served: ${[...crd.versions.keys()].join(', ')}`);
  if (fn(obj)) return [];
  return (fn.errors ?? []).map((e) => formatError(obj, e));
}

/**
 * Validates every object whose group/kind one of `crdPaths` defines. Objects of other kinds are skipped, unless
 * `options.isBuiltin` is given: then an object that is neither built in nor defined by one of the CRDs is an error
 * (so a custom resource cannot slip through unvalidated).
 */
export function validateCustomObjects(objs: any[], crdPaths: string[], options: { isBuiltin?: (o: any) => boolean } = {}): string[] {
  const errors: string[] = [];
  for (const o of objs) {
    const { group } = splitApiVersion(o.apiVersion);
    const path = crdPaths.find((p) => loadCrds(p).some((c) => c.group === group && c.kind === o.kind));
    if (path) errors.push(...validateAgainstCrd(o, path));
    else if (options.isBuiltin && !options.isBuiltin(o)) errors.push(`${o.kind}/${o.metadata?.name}: ${o.apiVersion} ${o.kind} is neither built in nor defined by ${crdPaths.join(', ')}`);
  }
  return errors;
}
