/** The CRD schema helper (test/util/crd-schema.ts) must reject what a strict API server rejects. */
import { loadCrds, tightenStructuralSchema, validateAgainstCrd, validateCustomObjects } from '../util/crd-schema';
import { strimziCrdPaths } from './helpers';

let kafkaCrd: string;
let topicCrd: string;
let userCrd: string;
let crds: string[];
beforeAll(async () => {
  crds = await strimziCrdPaths();
  [kafkaCrd, topicCrd, userCrd] = crds;
});

const topic = (spec: any, extra: any = {}) => ({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name: 't', labels: { a: 'b' } }, spec, ...extra });
const kafka = (listener: any) => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'Kafka',
  metadata: { name: 'k' },
  spec: { kafka: { listeners: [listener] } },
});

test('a valid object has no errors', () => {
  expect(validateAgainstCrd(topic({ partitions: 3, replicas: 1 }), topicCrd)).toEqual([]);
});

test('an unknown spec field is an error (strict field validation)', () => {
  expect(validateAgainstCrd(topic({ partitions: 3, partition: 3 }), topicCrd)).toEqual([expect.stringContaining("must NOT have additional properties 'partition'")]);
});

test('an unknown nested field is an error', () => {
  expect(validateAgainstCrd(kafka({ name: 'plain', port: 9092, type: 'internal', tls: false, configuration: { bootstrap: { nodeport: 1 } } }), kafkaCrd)).toEqual([
    expect.stringContaining("/spec/kafka/listeners/0/configuration/bootstrap: must NOT have additional properties 'nodeport'"),
  ]);
});

test('an unknown top-level field is an error, metadata is left to the API server', () => {
  expect(validateAgainstCrd(topic({ partitions: 1 }, { status2: {} }), topicCrd)).toEqual([expect.stringContaining("'status2'")]);
});

test('x-kubernetes-preserve-unknown-fields keeps free-form maps free', () => {
  expect(validateAgainstCrd(topic({ config: { 'retention.ms': 1, 'anything.goes': 'yes' } }), topicCrd)).toEqual([]);
});

test('types, minimums, enums, patterns and required fields are checked', () => {
  expect(validateAgainstCrd(topic({ partitions: 'three' }), topicCrd)).toEqual([expect.stringContaining('/spec/partitions: must be integer')]);
  expect(validateAgainstCrd(kafka({ name: 'plain', port: 9000, type: 'internal', tls: false }), kafkaCrd)).toEqual([expect.stringContaining('must be >= 9092')]);
  expect(validateAgainstCrd(kafka({ name: 'plain', port: 9092, type: 'tlsroutes', tls: false }), kafkaCrd)).toEqual([expect.stringContaining('must be equal to one of the allowed values')]);
  expect(validateAgainstCrd(kafka({ name: 'Plain', port: 9092, type: 'internal', tls: false }), kafkaCrd)).toEqual([expect.stringContaining('must match pattern')]);
  expect(validateAgainstCrd(kafka({ name: 'plain', port: 9092, type: 'internal' }), kafkaCrd)).toEqual([expect.stringContaining("must have required property 'tls'")]);
});

test('a version the CRD does not serve throws (the API server would answer 404)', () => {
  expect(() => validateAgainstCrd({ ...topic({}), apiVersion: 'kafka.strimzi.io/v1beta2' }, topicCrd)).toThrow(/not served.*served: v1/);
});

test('a kind the file does not define throws', () => {
  expect(() => validateAgainstCrd({ ...topic({}), kind: 'KafkaUser' }, topicCrd)).toThrow(/defines no CRD for kafka.strimzi.io\/v1 KafkaUser/);
});

test('validateCustomObjects routes by group/kind and flags custom objects without a CRD', () => {
  const objs = [topic({ partitions: 1, bogus: true }), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }];
  const errors = validateCustomObjects(objs, crds, { isBuiltin: (o) => o.apiVersion === 'v1' });
  expect(errors).toEqual([expect.stringContaining("'bogus'"), expect.stringContaining('Widget/w: example.com/v1 Widget is neither built in nor defined by')]);
});

test('int-or-string without anyOf becomes integer-or-string; combinator branches are not tightened', () => {
  const schema: any = {
    type: 'object',
    properties: {
      metadata: { type: 'object' },
      q: { 'x-kubernetes-int-or-string': true },
      one: { type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ properties: { a: { type: 'string' } }, required: ['a'] }] },
    },
  };
  tightenStructuralSchema(schema);
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.metadata.additionalProperties).toBeUndefined();
  expect(schema.properties.q.anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
  expect(schema.properties.one.additionalProperties).toBe(false);
  expect(schema.properties.one.anyOf[0].additionalProperties).toBeUndefined();
});

test('loadCrds compiles each served version once (cached)', () => {
  expect(loadCrds(userCrd)).toBe(loadCrds(userCrd));
  expect(loadCrds(userCrd)[0]).toMatchObject({ group: 'kafka.strimzi.io', kind: 'KafkaUser' });
});
