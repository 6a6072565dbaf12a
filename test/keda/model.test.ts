import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KafkaAuthentication, KafkaListenerConnection } from '../../lib/kafka';
import { CONSUMER_SCRIPT, kedaSaslMode, partitionRanges, rpkSaslMechanism, scalerNames, triggerAuthModel } from '../../lib/keda';
import { validateAgainstCrd } from '../util/crd-schema';
import { CLUSTER_CA, mtls, scram512 } from './fakes';
import { kedaCrdPaths } from './helpers';

const plain: KafkaListenerConnection = { listenerName: 'plain', bootstrapServers: 'k-0.k.lab.svc.cluster.local:9092', port: 9092, authentication: KafkaAuthentication.NONE };
const tls: KafkaListenerConnection = { ...plain, listenerName: 'tls', port: 9093, tlsCaSecret: CLUSTER_CA };

describe('partitionRanges', () => {
  test.each([
    [[0], '0'],
    [[2, 0, 1], '0-2'],
    [[0, 1, 2, 5, 7, 8], '0-2,5,7-8'],
    [[9, 3], '3,9'],
  ])('%j -> %s', (ids, out) => expect(partitionRanges(ids)).toBe(out));
});

test('KEDA sasl modes and rpk mechanisms', () => {
  expect(kedaSaslMode(KafkaAuthentication.SCRAM_SHA_256)).toBe('scram_sha256');
  expect(kedaSaslMode(KafkaAuthentication.SCRAM_SHA_512)).toBe('scram_sha512');
  expect(kedaSaslMode(KafkaAuthentication.MTLS)).toBeUndefined();
  expect(kedaSaslMode(KafkaAuthentication.NONE)).toBeUndefined();
  expect(rpkSaslMechanism(KafkaAuthentication.SCRAM_SHA_256)).toBe('SCRAM-SHA-256');
  expect(rpkSaslMechanism(KafkaAuthentication.SCRAM_SHA_512)).toBe('SCRAM-SHA-512');
  expect(rpkSaslMechanism(KafkaAuthentication.MTLS)).toBeUndefined();
});

describe('triggerAuthModel', () => {
  test('plaintext without credentials: no TriggerAuthentication', () => {
    expect(triggerAuthModel(plain, undefined, 'p')).toBeUndefined();
  });

  test('SCRAM over plaintext (SASL_PLAINTEXT): sasl, username, password; no tls, no ca', () => {
    const m = triggerAuthModel({ ...plain, authentication: KafkaAuthentication.SCRAM_SHA_512 }, scram512('u'), 'p')!;
    expect(m.paramSecretData).toEqual({ sasl: 'scram_sha512', username: 'u' });
    expect(m.secretTargetRefs).toEqual([
      { parameter: 'sasl', name: 'p', key: 'sasl' },
      { parameter: 'username', name: 'p', key: 'username' },
      { parameter: 'password', name: 'u', key: 'password' },
    ]);
  });

  test('SCRAM-SHA-256 (Redpanda-style users Secret: key = user name)', () => {
    const m = triggerAuthModel(plain, { username: 'admin', authentication: KafkaAuthentication.SCRAM_SHA_256, passwordSecret: { secretName: 'rp-users', key: 'admin' } }, 'p')!;
    expect(m.paramSecretData.sasl).toBe('scram_sha256');
    expect(m.secretTargetRefs).toContainEqual({ parameter: 'password', name: 'rp-users', key: 'admin' });
  });

  test('mTLS: tls, ca from the listener, cert and key from the credentials', () => {
    const m = triggerAuthModel({ ...tls, authentication: KafkaAuthentication.MTLS }, mtls('u'), 'p')!;
    expect(m.paramSecretData).toEqual({ tls: 'enable' });
    expect(m.secretTargetRefs.map((r) => `${r.parameter}=${r.name}/${r.key}`)).toEqual(['tls=p/tls', 'ca=kafka-cluster-ca-cert/ca.crt', 'cert=u/user.crt', 'key=u/user.key']);
  });

  test('the parameter Secret never carries a password or key material', () => {
    const m = triggerAuthModel({ ...tls, authentication: KafkaAuthentication.SCRAM_SHA_512 }, scram512('u'), 'p')!;
    expect(Object.keys(m.paramSecretData).sort()).toEqual(['sasl', 'tls', 'username']);
    expect(m.secretTargetRefs.filter((r) => r.name === 'p').map((r) => r.parameter)).toEqual(['sasl', 'username', 'tls']);
  });
});

test('scalerNames', () => {
  expect(scalerNames('orders')).toEqual({ scaledObject: 'orders', triggerAuthentication: 'orders-kafka-auth', paramSecret: 'orders-kafka-auth-params', hpa: 'keda-hpa-orders' });
});

describe('the CRD schema check is live', () => {
  let soCrd: string;
  beforeAll(async () => {
    soCrd = (await kedaCrdPaths())[0];
  });
  const good = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'x' },
    spec: { scaleTargetRef: { name: 'w' }, triggers: [{ type: 'kafka', metadata: { lagThreshold: '10' } }] },
  };
  test('a valid object passes', () => expect(validateAgainstCrd(good, soCrd)).toEqual([]));
  test('an unknown field fails', () => expect(validateAgainstCrd({ ...good, spec: { ...good.spec, pollingIntervall: 5 } }, soCrd).join()).toContain('pollingIntervall'));
  test('a number in trigger metadata fails', () =>
    expect(validateAgainstCrd({ ...good, spec: { ...good.spec, triggers: [{ type: 'kafka', metadata: { lagThreshold: 10 } }] } }, soCrd).join()).toContain('must be string'));
});

describe('consumer script', () => {
  test('is valid POSIX sh', () => {
    const r = spawnSync('sh', ['-n', '-c', CONSUMER_SCRIPT]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });

  test('loops rpk with the group, offset and batch size, and exits 0 promptly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpk-'));
    const log = path.join(dir, 'calls');
    fs.writeFileSync(path.join(dir, 'rpk'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${log}\nsleep 0.2\n`, { mode: 0o755 });
    const child = spawn('sh', ['-c', CONSUMER_SCRIPT], {
      env: { PATH: `${dir}:${process.env.PATH}`, TOPIC: 'dojo-test', GROUP: 'dojo-consumer', START_OFFSET: 'start', RECORDS_PER_BATCH: '10', PAUSE_SECONDS: '0' },
    });
    await new Promise((r) => setTimeout(r, 1200));
    const started = Date.now();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(code).toBe(0);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[0]).toBe('topic consume dojo-test --group dojo-consumer --offset start --num 10 --format %t/%p@%o %k\\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
