import { Partitioners } from 'kafkajs';
import { fail } from './errors';
import { KafkaEnv, KafkaSession, consume, describeTarget, explainKafka } from './kafka';
import { CheckContext, CheckOutput } from './report';
import { formatMs, withTimeout } from './util';

export interface DurabilityFigures {
  topic: string;
  partitions: number;
  replicationFactor: number;
  acks: 'all';
  idempotent: boolean;
  produced: number;
  acknowledged: number;
  read: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  offsetMismatches: number;
  produceMs: number;
  consumeMs: number;
  producePerSec: number;
  highWatermarks: Record<string, string>;
}

const BATCH = 100;

/**
 * Produces N numbered messages with acks from all in-sync replicas (idempotent producer, one request in
 * flight), then reads the topic back from the beginning with a fresh consumer group and checks that every
 * number arrived exactly once, in order within its partition, at the offset the broker acknowledged.
 */
export async function durabilityCheck(env: KafkaEnv, s: KafkaSession, c: CheckContext, n: number, partitions: number): Promise<CheckOutput> {
  const topic = `${env.runId}-durability`;
  const groupId = `${env.runId}-durability`;
  const rf = s.brokerCount >= 3 ? 3 : 1;
  let step = `creating topic ${topic}`;
  c.explainWith({ service: 'kafka', action: 'the durability check', tried: `durability check via ${describeTarget(env.target)}`, endpoint: env.target.brokers[0], portForward: env.target.portForward, namespace: env.target.namespace });
  try {
    c.progress(`creating topic ${topic} (${partitions} partitions, replication factor ${rf})`);
    env.cleanup.created(`topic ${topic}`, `rpk topic delete ${topic}`, () => s.admin.deleteTopics({ topics: [topic], timeout: env.timeoutMs }));
    await withTimeout(s.admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: rf }], waitForLeaders: true, timeout: env.timeoutMs }), env.timeoutMs * 2, step);

    step = `producing ${n} messages to ${topic}`;
    const producer = s.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    env.cleanup.opened('kafka idempotent producer', () => producer.disconnect());
    await withTimeout(producer.connect(), env.timeoutMs, 'connecting the idempotent producer');
    // expectedOffset[seq] = the offset the broker acknowledged for message seq.
    const expectedOffset = new Array<bigint>(n);
    let acknowledged = 0;
    const t0 = Date.now();
    for (let start = 0; start < n; start += BATCH) {
      const seqs = Array.from({ length: Math.min(BATCH, n - start) }, (_, i) => start + i);
      const messages = seqs.map((seq) => ({ partition: seq % partitions, key: `seq-${seq}`, value: JSON.stringify({ run: env.runId, seq }) }));
      const meta = await withTimeout(producer.send({ topic, acks: -1, messages }), env.timeoutMs, `producing messages ${start}..${start + seqs.length - 1}`);
      const base = new Map(meta.map((m) => [m.partition, BigInt(m.baseOffset ?? '-1')]));
      const k = new Map<number, bigint>();
      for (const seq of seqs) {
        const p = seq % partitions;
        const i = k.get(p) ?? 0n;
        expectedOffset[seq] = (base.get(p) ?? -1n) + i;
        k.set(p, i + 1n);
        acknowledged++;
      }
      if (acknowledged % (BATCH * 5) === 0 && acknowledged < n) c.progress(`acknowledged ${acknowledged}/${n}`);
    }
    const produceMs = Date.now() - t0;
    await producer.disconnect();
    c.progress(`${acknowledged}/${n} acknowledged with acks=all in ${formatMs(produceMs)}`);

    step = `reading the high watermarks of ${topic}`;
    const offsets = await withTimeout(s.admin.fetchTopicOffsets(topic), env.timeoutMs, step);
    const highWatermarks: Record<string, string> = {};
    for (const o of offsets) highWatermarks[String(o.partition)] = o.high;

    step = `reading ${topic} back from the beginning`;
    const count = new Array<number>(n).fill(0);
    const lastSeq = new Map<number, number>();
    let read = 0;
    let foreign = 0;
    let outOfOrder = 0;
    let offsetMismatches = 0;
    const t1 = Date.now();
    await consume(
      env,
      s,
      topic,
      groupId,
      (m: { partition: number; offset: string; value: Buffer | null }) => {
        read++;
        let msg: { run?: string; seq?: number } = {};
        try {
          msg = JSON.parse(m.value?.toString('utf8') ?? '');
        } catch {
          /* counted as foreign */
        }
        if (msg.run !== env.runId || typeof msg.seq !== 'number' || msg.seq < 0 || msg.seq >= n) {
          foreign++;
          return;
        }
        count[msg.seq]++;
        const prev = lastSeq.get(m.partition);
        if (prev !== undefined && msg.seq <= prev) outOfOrder++;
        lastSeq.set(m.partition, msg.seq);
        if (expectedOffset[msg.seq] !== BigInt(m.offset)) offsetMismatches++;
      },
      () => read >= n,
      Math.max(env.timeoutMs * 2, n * 20),
      `reading ${n} messages back`,
    ).catch((e: unknown) => {
      // A timeout here means messages are missing: report the figures rather than just the timeout.
      if (read === 0) throw e;
    });
    const consumeMs = Date.now() - t1;
    const lost = count.filter((x) => x === 0).length;
    const duplicated = count.filter((x) => x > 1).length;
    const figures: DurabilityFigures = {
      topic,
      partitions,
      replicationFactor: rf,
      acks: 'all',
      idempotent: true,
      produced: n,
      acknowledged,
      read,
      lost,
      duplicated,
      outOfOrder,
      offsetMismatches,
      produceMs,
      consumeMs,
      producePerSec: Math.round((n / Math.max(produceMs, 1)) * 1000),
      highWatermarks,
    };
    const line = `produced ${n} (acks=all, idempotent, RF ${rf}, ${partitions} partitions) in ${formatMs(produceMs)} (${figures.producePerSec} msg/s); read ${read} in ${formatMs(consumeMs)}: lost ${lost}, duplicated ${duplicated}, out of order ${outOfOrder}, offset mismatches ${offsetMismatches}`;
    if (lost || duplicated || outOfOrder || offsetMismatches || foreign) {
      fail(
        `durability check failed: ${line}${foreign ? `, ${foreign} foreign message(s)` : ''}`,
        `produced ${n} numbered messages to ${topic} and read them back with consumer group ${groupId}`,
        lost
          ? 'acknowledged messages are missing: a broker lost data it had acknowledged (unsafe fsync settings such as Redpanda developer_mode/--unsafe-bypass-fsync, or an unclean leader election); check the broker logs'
          : 'messages arrived more than once or out of order: check that the producer is idempotent and the brokers support idempotence (enable.idempotence)',
      );
    }
    if (rf === 1) c.progress('note: with fewer than 3 brokers the topic has one replica, so acks=all only means the leader wrote it');
    return { summary: `${n}/${n} read back once and in order (${partitions} partitions, RF ${rf}); produce ${figures.producePerSec} msg/s`, lines: [line], data: figures };
  } catch (e) {
    throw await explainKafka(e, env, step, s);
  }
}
