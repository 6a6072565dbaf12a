import { Chart, Testing } from 'cdk8s';
import { DatastreamValidationError, ValidationFailure } from '../../lib/common/validation';
import { StrimziKafka, StrimziKafkaProps } from '../../lib/strimzi';
import { validateCustomObjects } from '../util/crd-schema';
import { isBuiltinKind, validateK8sObjects } from '../util/schema';
import { errorOf } from '../util/synth';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { crdFile } = require('../../scripts/crds');

/** The four Strimzi CRD files (from ../shared/crds/strimzi, downloaded when absent). */
export const STRIMZI_CRD_FILES = ['040-Crd-kafka.yaml', '043-Crd-kafkatopic.yaml', '044-Crd-kafkauser.yaml', '045-Crd-kafkanodepool.yaml'];

/** Paths of the Strimzi CRDs. */
export async function strimziCrdPaths(): Promise<string[]> {
  return Promise.all(STRIMZI_CRD_FILES.map((f) => crdFile('kafka.strimzi.io', f)));
}

/** Every schema error of the objects: CRs against their CRD, built-ins against Kubernetes 1.28; a CR without CRD is an error. */
export function schemaErrors(objs: any[], crdPaths: string[]): string[] {
  return [...validateCustomObjects(objs, crdPaths, { isBuiltin: (o) => isBuiltinKind(o.apiVersion, o.kind) }), ...validateK8sObjects(objs)];
}

/** A chart in namespace lab. */
export function chart(namespace = 'lab'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** A cluster in a fresh chart, with its synthesized objects. */
export function cluster(props: StrimziKafkaProps = {}, id = 'strimzi'): { chart: Chart; kafka: StrimziKafka; objs: () => any[] } {
  const c = chart();
  const kafka = new StrimziKafka(c, id, props);
  return { chart: c, kafka, objs: () => Testing.synth(c) };
}

/** The validation error `fn` throws. */
export function validationError(fn: () => unknown): DatastreamValidationError {
  const e = errorOf(fn);
  if (!(e instanceof DatastreamValidationError)) throw new Error(`expected a DatastreamValidationError, got: ${e.message}`);
  return e;
}

/**
 * Asserts that `fn` fails validation on `prop` and that the message names the prop and shows `value` (as the
 * runner renders it: strings quoted, numbers bare, objects as JSON). Returns the failure.
 */
export function expectFailure(fn: () => unknown, prop: string, value: string): ValidationFailure {
  const e = validationError(fn);
  const f = e.failures.find((x) => x.prop === prop);
  if (!f) throw new Error(`no failure for prop '${prop}'; failures: ${e.failures.map((x) => x.message).join(' | ')}`);
  expect(f.message).toContain(`prop '${prop}'`);
  expect(f.message).toContain(value);
  expect(e.message).toContain(f.message);
  return f;
}
