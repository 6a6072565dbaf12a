/**
 * Live tier, contract: what verify reads from a deployed lab (the port-forward annotation, the kafka-local and
 * http container ports, the Qdrant API key's secretKeyRef) is what the constructs actually emit. Without this,
 * the port-forward and API-key discovery tested in kube.test.ts could drift away from the library silently.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Qdrant } from '../../lib';
import { PORT_FORWARD_BASE_ANNOTATION, QDRANT_API_KEY_ENV } from '../../verify/kube';
import { ROOT } from './helpers';

function synth(variant: string): any[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-datastream-contract-'));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'synth.js'), '--variant', variant, '--outdir', dir], { cwd: ROOT, stdio: 'pipe', timeout: 180000 });
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()))
      .filter(Boolean);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test.each(['default', 'ha'])('lab variant %s: Redpanda and Qdrant expose what verify --port-forward uses', (variant) => {
  const objects = synth(variant);
  const rp = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'rp');
  expect(rp.metadata.namespace).toBe('lab');
  const base = Number(rp.metadata.annotations[PORT_FORWARD_BASE_ANNOTATION]);
  expect(base).toBe(9092);
  const ports = rp.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []);
  expect(ports).toContainEqual(expect.objectContaining({ name: 'kafka-local', containerPort: 9092 }));
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'rp');
  expect(svc.spec.ports).toContainEqual(expect.objectContaining({ name: 'kafka-local', port: 9092 }));
  const qd = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'qdrant');
  expect(qd.spec.template.spec.containers.flatMap((c: any) => c.ports ?? [])).toContainEqual(expect.objectContaining({ name: 'http', containerPort: 6333 }));
  // Pods are named <statefulset>-<i>: verify tunnels to rp-0..rp-(replicas-1).
  expect(rp.spec.replicas).toBeGreaterThanOrEqual(1);
});

test('a Qdrant with an API key passes it as QDRANT__SERVICE__API_KEY from a secretKeyRef (verify reads it from there)', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'lab' });
  new Qdrant(chart, 'qdrant', { apiKeySecret: { secretName: 'qdrant-keys', key: 'api-key' } });
  const sts = Testing.synth(chart).find((o: any) => o.kind === 'StatefulSet');
  const env = sts.spec.template.spec.containers.flatMap((c: any) => c.env ?? []);
  expect(env).toContainEqual({ name: QDRANT_API_KEY_ENV, valueFrom: { secretKeyRef: { name: 'qdrant-keys', key: 'api-key' } } });
});
