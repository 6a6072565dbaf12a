/**
 * The lab app as users run it: every variant synthesizes, validates against the Kubernetes 1.28 schema and the
 * upstream CRD schemas, keeps cluster-scoped objects out of the namespace, and orders the Namespace first.
 * The committed dist/ must equal a fresh synth of the default variant (review the YAML diff in pull requests).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { COMBINATIONS, synthLab, VARIANTS, resolveVariants } from '../main';
import { isBuiltinKind, validateK8sObjects } from './util/schema';
import { validateCustomObjects } from './util/crd-schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { allInstallFiles } = require('../scripts/crds');

process.env.DATASTREAM_QUIET_WARNINGS = '1';
const ROOT = path.resolve(__dirname, '..');

interface Synthesized {
  files: string[];
  objs: any[];
}

function synthVariant(variants: string): Synthesized {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-'));
  try {
    synthLab({ outdir: dir, variants });
    const files = fs.readdirSync(dir).sort();
    const objs = files.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()).filter(Boolean));
    return { files, objs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let crdFiles: string[];
beforeAll(async () => {
  crdFiles = await allInstallFiles();
});

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ClusterTriggerAuthentication', 'ClusterIssuer', 'StorageClass', 'PriorityClass']);

describe.each([...Object.keys(VARIANTS), ...COMBINATIONS])('variant %s', (variant) => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthVariant(variant);
  });

  test('the Namespace comes first, in its own file, with PodSecurity restricted', () => {
    expect(out.files[0]).toBe('0000-lab-namespace.k8s.yaml');
    const ns = out.objs.filter((o) => o.kind === 'Namespace');
    expect(ns).toHaveLength(1);
    expect(ns[0].metadata.name).toBe('lab');
    expect(ns[0].metadata.namespace).toBeUndefined();
    expect(ns[0].metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' });
    expect(out.files.every((f) => /^\d{4}-[a-z0-9-]+\.k8s\.yaml$/.test(f))).toBe(true);
  });

  test('namespaced objects live in lab; cluster-scoped ones carry no namespace', () => {
    for (const o of out.objs) {
      if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
      else expect(`${o.kind}/${o.metadata.name}: ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name}: lab`);
    }
  });

  test('every built-in object validates against the Kubernetes 1.28 schema', () => {
    expect(validateK8sObjects(out.objs)).toEqual([]);
  });

  test('every custom resource validates against its upstream CRD', () => {
    expect(validateCustomObjects(out.objs, crdFiles, { isBuiltin: (o) => isBuiltinKind(o.apiVersion, o.kind) })).toEqual([]);
  });

  test('object names are unique per kind', () => {
    const keys = out.objs.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  test('synthesis is deterministic', () => {
    expect(synthVariant(variant)).toEqual(out);
  });
});

describe('default variant', () => {
  test('snapshot', () => {
    expect(synthVariant('default').objs).toMatchSnapshot();
  });

  test('needs no operator: only built-in kinds', () => {
    const custom = synthVariant('default').objs.filter((o) => !isBuiltinKind(o.apiVersion, o.kind));
    expect(custom.map((o) => `${o.apiVersion}/${o.kind}`)).toEqual([]);
  });

  test('the seed drills line up: svc/rp has 9092 behind a listener advertising 127.0.0.1:9092', () => {
    const { objs } = synthVariant('default');
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'rp');
    expect(svc.spec.ports.find((p: any) => p.port === 9092).targetPort).toBe('kafka-local');
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'rp-config');
    expect(cm.data['start.sh']).toContain("0) kafka='internal://rp-0.rp-headless.lab.svc.cluster.local:9093,local://127.0.0.1:9092'");
    const job = objs.find((o) => o.kind === 'Job');
    expect(job.spec.template.spec.containers[0].args[0]).toContain("t='dojo-test'");
  });

  test('the committed dist/ is what `npm run synth` produces now', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-'));
    try {
      synthLab({ outdir: dir, variants: 'default' });
      const fresh = fs.readdirSync(dir).sort();
      expect(fs.readdirSync(path.join(ROOT, 'dist')).sort()).toEqual(fresh);
      for (const f of fresh) expect(`${f}:\n${fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8')}`).toBe(`${f}:\n${fs.readFileSync(path.join(dir, f), 'utf8')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('variant selection', () => {
  test('variants combine', () => {
    expect(resolveVariants('ha,sasl')).toMatchObject({ redpandaReplicas: 3, qdrantReplicas: 3, redpandaSasl: true });
  });
  test('an unknown variant is rejected with the allowed names', () => {
    expect(() => resolveVariants('default,bogus')).toThrow(/unknown variant 'bogus'; allowed: default, ha/);
  });
});

describe('npm run synth (the script)', () => {
  test('writes the lab and prints the files; a failure leaves the output folder as it was', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'out-'));
    const outdir = path.join(dir, 'dist');
    try {
      const ok = execFileSync('node', [path.join(ROOT, 'scripts/synth.js'), '--outdir', outdir], { encoding: 'utf8' });
      expect(ok).toMatch(/0000-lab-namespace\.k8s\.yaml/);
      const before = fs.readdirSync(outdir).map((f) => fs.readFileSync(path.join(outdir, f), 'utf8'));
      const bad = spawnSync('node', [path.join(ROOT, 'scripts/synth.js'), '--outdir', outdir, '--variant', 'nope'], { encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/was left as it was[\s\S]*unknown variant 'nope'/);
      expect(fs.readdirSync(outdir).map((f) => fs.readFileSync(path.join(outdir, f), 'utf8'))).toEqual(before);
      expect(fs.readdirSync(dir)).toEqual(['dist']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
