/**
 * Pure functions from resolved settings to what the emitter writes: names, URLs, Qdrant's config file, the start
 * script and each peer's start arguments, probes. No constructs here, so the tests exercise them directly.
 */
import { stringify } from 'yaml';
import { podFqdn, serviceFqdn } from '../common/naming';
import { QDRANT_CONFIG_FILES, QDRANT_PATHS, QDRANT_PORTS } from './ports';
import { QdrantQuantizationKind } from './props';
import { QdrantQuantizationSettings, QdrantSettings } from './settings';

/** Object names derived from the instance name. */
export function qdrantNames(s: Pick<QdrantSettings, 'name'>) {
  return {
    statefulSet: s.name,
    clientService: s.name,
    headlessService: `${s.name}-headless`,
    config: `${s.name}-config`,
    serviceAccount: s.name,
    pdb: s.name,
    networkPolicy: s.name,
    serviceMonitor: s.name,
    pod: (i: number) => `${s.name}-${i}`,
  };
}

/** `http://<name>.<ns>.svc.<domain>:6333`: the REST URL applications use. */
export function httpUrl(s: QdrantSettings): string {
  return `http://${serviceFqdn(qdrantNames(s).clientService, s.namespace, s.clusterDomain)}:${QDRANT_PORTS.http}`;
}

/** `http://<name>.<ns>.svc.<domain>:6334`: the gRPC URL (plaintext HTTP/2). */
export function grpcUrl(s: QdrantSettings): string {
  return `http://${serviceFqdn(qdrantNames(s).clientService, s.namespace, s.clusterDomain)}:${QDRANT_PORTS.grpc}`;
}

/** The p2p URI of peer i (its stable DNS name through the headless Service). */
export function peerUri(s: QdrantSettings, i: number): string {
  const n = qdrantNames(s);
  return `http://${podFqdn(n.pod(i), n.headlessService, s.namespace, s.clusterDomain)}:${QDRANT_PORTS.p2p}`;
}

/**
 * The arguments peer `ordinal` starts Qdrant with. Single node: only the config file. Cluster: the seed peer
 * (ordinal `clusterSeedOrdinal`, 0 by default) starts a new cluster with just its own `--uri`; every other peer
 * passes `--bootstrap <seed> --uri <self>`. Qdrant ignores `--bootstrap` once the peer has stored Raft state, so
 * restarts never re-bootstrap. The start script implements exactly this (see the tests, which run it).
 */
export function peerArgs(s: QdrantSettings, ordinal: number): string[] {
  const base = ['--config-path', `${QDRANT_PATHS.configDir}/${QDRANT_CONFIG_FILES.config}`];
  if (!s.clusterEnabled) return base;
  if (ordinal === s.clusterSeedOrdinal) return [...base, '--uri', peerUri(s, ordinal)];
  return [...base, '--bootstrap', peerUri(s, s.clusterSeedOrdinal), '--uri', peerUri(s, ordinal)];
}

function quantizationConfig(q: QdrantQuantizationSettings): { [key: string]: unknown } {
  const ram = q.alwaysRam !== undefined ? { always_ram: q.alwaysRam } : {};
  switch (q.kind) {
    case QdrantQuantizationKind.SCALAR:
      return { scalar: { type: 'int8', ...(q.quantile !== undefined ? { quantile: q.quantile } : {}), ...ram } };
    case QdrantQuantizationKind.PRODUCT:
      return { product: { compression: q.compression, ...ram } };
    case QdrantQuantizationKind.BINARY:
      return { binary: { ...(q.encoding !== undefined ? { encoding: q.encoding } : {}), ...ram } };
  }
}

/**
 * Qdrant's configuration (read with `--config-path`, on top of the image's defaults). It never holds a secret:
 * API keys come from the environment. It does not depend on the replica count beyond single node vs. cluster
 * and the default replication factor, so scaling a cluster does not roll its pods.
 */
export function qdrantConfig(s: QdrantSettings): { [key: string]: unknown } {
  const h = s.hnsw;
  const o = s.optimizers;
  const collection: { [key: string]: unknown } = {
    replication_factor: s.replicationFactor,
    write_consistency_factor: s.writeConsistencyFactor,
  };
  if (s.vectorsOnDisk !== undefined) collection.vectors = { on_disk: s.vectorsOnDisk };
  if (s.quantization) collection.quantization = quantizationConfig(s.quantization);
  return {
    log_level: s.logLevel,
    telemetry_disabled: !s.telemetry,
    storage: {
      storage_path: QDRANT_PATHS.storage,
      snapshots_path: QDRANT_PATHS.snapshots,
      snapshots_config: { snapshots_storage: 'local' },
      hnsw_index: {
        m: h.m,
        ef_construct: h.efConstruct,
        full_scan_threshold_kb: h.fullScanThresholdKb,
        max_indexing_threads: h.maxIndexingThreads,
        on_disk: h.onDisk,
        ...(h.payloadM !== undefined ? { payload_m: h.payloadM } : {}),
      },
      optimizers: {
        deleted_threshold: o.deletedThreshold,
        vacuum_min_vector_number: o.vacuumMinVectorNumber,
        default_segment_number: o.defaultSegmentNumber,
        ...(o.maxSegmentSizeKb !== undefined ? { max_segment_size_kb: o.maxSegmentSizeKb } : {}),
        indexing_threshold_kb: o.indexingThresholdKb,
        flush_interval_sec: o.flushIntervalSec,
        ...(o.maxOptimizationThreads !== undefined ? { max_optimization_threads: o.maxOptimizationThreads } : {}),
      },
      collection,
    },
    service: {
      host: '0.0.0.0',
      http_port: QDRANT_PORTS.http,
      grpc_port: QDRANT_PORTS.grpc,
      enable_tls: false,
    },
    cluster: s.clusterEnabled
      ? { enabled: true, p2p: { port: QDRANT_PORTS.p2p, enable_tls: false }, consensus: { tick_period_ms: 100 } }
      : { enabled: false },
  };
}

const HEADER = '# Generated by cdk8s-datastream. Do not edit: change the construct props and synthesize again.\n';

/** config.yaml text. */
export function renderConfig(s: QdrantSettings): string {
  return HEADER + stringify(qdrantConfig(s), { lineWidth: 0 });
}

/**
 * The start script: raises the open-files soft limit to the hard limit (Qdrant keeps many segment files open;
 * some runtimes start containers with a soft limit of 1024), then execs the image's entrypoint with
 * {@link peerArgs} for this pod's ordinal. It is independent of the replica count, so scaling does not change
 * the config hash.
 */
export function renderStartScript(s: QdrantSettings): string {
  const n = qdrantNames(s);
  const config = `${QDRANT_PATHS.configDir}/${QDRANT_CONFIG_FILES.config}`;
  const lines = [
    '#!/bin/bash',
    `# Generated by cdk8s-datastream: starts one peer of Qdrant ${s.name}.`,
    'set -euo pipefail',
    'hard="$(ulimit -Hn)"',
    'ulimit -n "${hard}" 2>/dev/null || echo "warning: could not raise the open-files limit to ${hard}; it stays at $(ulimit -Sn)" >&2',
  ];
  if (!s.clusterEnabled) {
    lines.push(`exec ${QDRANT_PATHS.entrypoint} --config-path ${config}`);
  } else {
    const domain = `${n.headlessService}.${s.namespace}.svc.${s.clusterDomain}`;
    lines.push(
      'ordinal="${POD_NAME##*-}"',
      `self="http://\${POD_NAME}.${domain}:${QDRANT_PORTS.p2p}"`,
      `seed="${peerUri(s, s.clusterSeedOrdinal)}"`,
      `if [ "\${ordinal}" = "${s.clusterSeedOrdinal}" ]; then`,
      '  # The seed peer: starts a new cluster when it has no Raft state yet, else rejoins from its state.',
      `  exec ${QDRANT_PATHS.entrypoint} --config-path ${config} --uri "\${self}"`,
      'fi',
      '# Every other peer joins through the seed; with stored Raft state Qdrant ignores --bootstrap.',
      `exec ${QDRANT_PATHS.entrypoint} --config-path ${config} --bootstrap "\${seed}" --uri "\${self}"`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Probe timings, derived from startupTimeoutSeconds. */
export function probeTimings(s: QdrantSettings) {
  const startupPeriod = 10;
  return {
    startup: { periodSeconds: startupPeriod, timeoutSeconds: 5, failureThreshold: Math.ceil(s.startupTimeoutSeconds / startupPeriod) },
    readiness: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
  };
}
