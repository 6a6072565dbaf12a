/**
 * The generated shell scripts, run for real with bash against a fake `rpk` (a small script on PATH that records
 * its arguments and answers or fails on demand). The paths under /etc are rewritten into a temp dir.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderConfigureScript, renderStartScript } from '../../lib/redpanda/model';
import { RedpandaProps } from '../../lib/redpanda/props';
import { resolveRedpanda } from '../../lib/redpanda/settings';

const settings = (props: RedpandaProps = {}) => resolveRedpanda('rp', 'lab', props);

const FAKE_RPK = `#!/bin/bash
echo "rpk $*" >> "$RPK_LOG"
if [ -n "\${RPK_FAIL:-}" ] && [[ "rpk $*" == *"$RPK_FAIL"* ]]; then echo "fake failure: $*" >&2; exit 1; fi
case "$1 $2" in
  "topic create") if [ -n "\${RPK_TOPIC_EXISTS:-}" ]; then echo "TOPIC STATUS"; echo "$3 TOPIC_ALREADY_EXISTS: The topic has already been created."; exit 1; fi; echo "$3 OK" ;;
  "topic list") echo "NAME PARTITIONS REPLICAS"; [ -n "\${RPK_TOPIC_EXISTS:-}" ] && echo "$RPK_TOPIC_EXISTS" ;;
  "security user") if [ -n "\${RPK_USER_EXISTS:-}" ] && [ "$3" = create ]; then echo "user already exists"; exit 1; fi ;;
esac
exit 0
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: string[];
}

function run(script: string, env: { [k: string]: string } = {}, files: { [name: string]: string } = {}): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpk-'));
  try {
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'rpk'), FAKE_RPK, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'bin', 'sleep'), '#!/bin/bash\nexit 0\n', { mode: 0o755 });
    for (const d of ['etc-redpanda-config', 'etc-redpanda', 'users']) fs.mkdirSync(path.join(dir, d));
    fs.writeFileSync(path.join(dir, 'etc-redpanda-config', 'redpanda.yaml'), 'redpanda: {}\n');
    fs.writeFileSync(path.join(dir, 'etc-redpanda-config', 'bootstrap.yaml'), '{}\n');
    for (const [n, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'users', n), v);
    const text = script
      .replace(/\/etc\/redpanda-config/g, path.join(dir, 'etc-redpanda-config'))
      .replace(/\/etc\/redpanda\//g, path.join(dir, 'etc-redpanda') + '/')
      .replace(/\/etc\/secrets\/users/g, path.join(dir, 'users'));
    const log = path.join(dir, 'calls.log');
    const r = spawnSync('bash', ['-c', text], {
      encoding: 'utf8',
      env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, RPK_LOG: log, RPK_BROKERS: 'rp-0:9093', ...env },
      timeout: 20000,
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('start.sh', () => {
  test('broker 1 of 3 starts with its own advertised addresses, after copying the config', () => {
    const r = run(renderStartScript(settings({ replicas: 3 })), { POD_NAME: 'rp-1' });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([
      'rpk redpanda start --advertise-kafka-addr internal://rp-1.rp-headless.lab.svc.cluster.local:9093,local://127.0.0.1:9093 ' +
        '--advertise-pandaproxy-addr internal://rp-1.rp-headless.lab.svc.cluster.local:8082 --advertise-rpc-addr rp-1.rp-headless.lab.svc.cluster.local:33145',
    ]);
  });

  test('an ordinal the config was not synthesized for refuses to start', () => {
    const r = run(renderStartScript(settings({ replicas: 3 })), { POD_NAME: 'rp-3' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broker 3 is beyond the 3 brokers/);
    expect(r.calls).toEqual([]);
  });
});

describe('configure Job script', () => {
  const sasl = { usersSecretName: 'rp-users', superusers: ['admin'], users: ['consumer'] };
  const topic = { topicName: 'dojo-test', partitions: 3, replicationFactor: 1, config: {} };
  const acl = { principal: 'consumer', resourceType: 'topic' as const, resourceName: 'dojo-test', operations: ['read', 'describe'] };

  test('happy path: waits, sets properties, creates users, topics and ACLs, then says done', () => {
    const r = run(renderConfigureScript(settings({ sasl }), [topic], [acl]), {}, { admin: 'a-pw', consumer: 'c-pw' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/done\n$/);
    expect(r.calls[0]).toBe('rpk cluster info');
    expect(r.calls).toEqual(
      expect.arrayContaining([
        "rpk cluster config set superusers [\"admin\"]",
        'rpk security user create admin -p a-pw --mechanism SCRAM-SHA-512',
        'rpk security user create consumer -p c-pw --mechanism SCRAM-SHA-512',
        'rpk topic create dojo-test -p 3 -r 1',
        'rpk security acl create --allow-principal User:consumer --operation read,describe --topic dojo-test',
      ]),
    );
  });

  test.each([
    ['a cluster property', 'cluster config set'],
    ['an ACL', 'security acl create'],
    ['a topic', 'topic create'],
    ['a user', 'security user create'],
  ])('%s that fails, fails the Job (no "done")', (_n, failOn) => {
    const r = run(renderConfigureScript(settings({ sasl }), [topic], [acl]), { RPK_FAIL: failOn }, { admin: 'a', consumer: 'c' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/done/);
  });

  test('a missing key in the users Secret fails with its name', () => {
    const r = run(renderConfigureScript(settings({ sasl }), []), {}, { admin: 'a' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Secret rp-users has no key 'consumer'/);
  });

  test('existing users get their password set', () => {
    const r = run(renderConfigureScript(settings({ sasl }), []), { RPK_USER_EXISTS: '1' }, { admin: 'a', consumer: 'c' });
    expect(r.code).toBe(0);
    expect(r.calls).toContain('rpk security user update consumer --new-password c --mechanism SCRAM-SHA-512');
  });

  test('an existing topic is grown, its configs re-set, and a replication-factor drift reported', () => {
    const t = { topicName: 'dojo-test', partitions: 6, replicationFactor: 3, config: { 'retention.ms': '1000' } };
    const r = run(renderConfigureScript(settings({ replicas: 3 }), [t]), { RPK_TOPIC_EXISTS: 'dojo-test 3 1' });
    expect(r.code).toBe(0);
    expect(r.calls).toContain('rpk topic add-partitions dojo-test --num 3');
    expect(r.calls).toContain('rpk topic alter-config dojo-test --set retention.ms=1000');
    expect(r.stderr).toMatch(/warning: topic dojo-test has replication factor 1, declared 3/);
  });

  test('an existing topic that already has enough partitions is left alone', () => {
    const r = run(renderConfigureScript(settings(), [topic]), { RPK_TOPIC_EXISTS: 'dojo-test 3 1' });
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.includes('add-partitions'))).toEqual([]);
    expect(r.stdout).toMatch(/topic dojo-test exists/);
  });
});
