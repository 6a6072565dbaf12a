/**
 * Offline validation of synthesized Kubernetes objects against the Kubernetes 1.28 OpenAPI definitions
 * (../shared/k8s-schemas/v1.28.0/_definitions.json). Stricter than the schema file itself: every object schema
 * that lists `properties` gets `additionalProperties: false`, so an unknown or misspelt field fails here as it
 * would under `kubectl apply --validate=strict`.
 */
import * as fs from 'fs';
import Ajv, { ValidateFunction } from 'ajv';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { k8sSchemaFileSync } = require('../../scripts/k8s-schema');

/** Set by test/global-setup.js (which downloads the pinned file when ../shared is absent). */
const schemaFile = (): string | undefined => process.env.DATASTREAM_K8S_SCHEMA_FILE ?? k8sSchemaFileSync();

let cache: { ajv: Ajv; byGvk: Map<string, string>; fns: Map<string, ValidateFunction> } | undefined;

function tighten(node: any): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(tighten);
  if (node.properties && node.additionalProperties === undefined) node.additionalProperties = false;
  for (const v of Object.values(node)) tighten(v);
}

function load() {
  if (cache) return cache;
  const file = schemaFile();
  if (!file || !fs.existsSync(file)) throw new Error('the Kubernetes 1.28 schema was not found (../shared/k8s-schemas, $DATASTREAM_K8S_SCHEMAS or .cache/k8s-schemas)');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries<any>(doc.definitions)) {
    for (const g of def['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = g.group ? `${g.group}/${g.version}` : g.version;
      // Prefer the canonical io.k8s.api.* definition when several share a GVK.
      if (!byGvk.has(`${apiVersion}/${g.kind}`) || name.startsWith('io.k8s.api.')) byGvk.set(`${apiVersion}/${g.kind}`, name);
    }
    tighten(def);
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'k8s', definitions: doc.definitions });
  cache = { ajv, byGvk, fns: new Map() };
  return cache;
}

/** True when the API version/kind is a built-in Kubernetes 1.28 type. */
export function isBuiltinKind(apiVersion: string, kind: string): boolean {
  return load().byGvk.has(`${apiVersion}/${kind}`);
}

/** Validation errors of one object (empty when valid). Throws for a kind that is not built in. */
export function k8sSchemaErrors(obj: any): string[] {
  const c = load();
  const key = `${obj.apiVersion}/${obj.kind}`;
  const def = c.byGvk.get(key);
  if (!def) throw new Error(`${key} is not a Kubernetes 1.28 built-in kind`);
  let fn = c.fns.get(def);
  if (!fn) {
    fn = c.ajv.compile({ $ref: `k8s#/definitions/${def}` });
    c.fns.set(def, fn);
  }
  if (fn(obj)) return [];
  return (fn.errors ?? []).map((e) => `${obj.kind}/${obj.metadata?.name}${e.instancePath}: ${e.message}${e.params && (e.params as any).additionalProperty ? ` '${(e.params as any).additionalProperty}'` : ''}`);
}

/** Validates every built-in object in `objs`; returns all errors. Custom resources are skipped (validate them against their CRD). */
export function validateK8sObjects(objs: any[]): string[] {
  return objs.filter((o) => isBuiltinKind(o.apiVersion, o.kind)).flatMap((o) => k8sSchemaErrors(o));
}
