/**
 * Qdrant's ports, port names and in-container paths. The ports are Qdrant's defaults, so the seed's
 * `kubectl port-forward svc/qdrant 6333:6333` works unchanged.
 */
export const QDRANT_PORTS = {
  /** REST API, health endpoints (`/livez`, `/readyz`), `/metrics`, web UI. */
  http: 6333,
  /** gRPC API. */
  grpc: 6334,
  /** Peer-to-peer (Raft consensus and shard traffic). Only on the headless Service: it accepts writes. */
  p2p: 6335,
} as const;

/** Container and Service port names. */
export const QDRANT_PORT_NAMES = {
  http: 'http',
  grpc: 'grpc',
  p2p: 'p2p',
} as const;

/** Where things live inside the Qdrant container (the image's workdir is /qdrant). */
export const QDRANT_PATHS = {
  /** Collections, WAL, raft_state.json: the storage volume claim. */
  storage: '/qdrant/storage',
  /** Snapshots: a second volume claim when `storage.snapshotsSize` is set, else an emptyDir. */
  snapshots: '/qdrant/snapshots',
  /** emptyDir for the "initialized" marker file Qdrant writes (the root filesystem is read-only). */
  init: '/qdrant/init',
  /** The marker file, passed as QDRANT_INIT_FILE_PATH. */
  initFile: '/qdrant/init/.qdrant-initialized',
  /** The ConfigMap (config.yaml and start.sh), mounted read-only as a directory (no subPath, no stale files). */
  configDir: '/qdrant/cdk8s',
  /** emptyDir for /tmp: libraries that use the system temp dir still work on a read-only root. */
  tmp: '/tmp',
  /** The image's entrypoint: forwards SIGTERM and handles recovery mode. */
  entrypoint: '/qdrant/entrypoint.sh',
} as const;

/** Keys of the ConfigMap. */
export const QDRANT_CONFIG_FILES = {
  config: 'config.yaml',
  startScript: 'start.sh',
} as const;

/** uid (and gid) of the `-unprivileged` image (built with USER_ID=1000). */
export const QDRANT_UID = 1000;

/** Names of the StatefulSet's volume claim templates; the same as the Helm chart's, so its PVCs can be adopted. */
export const QDRANT_VOLUMES = {
  storage: 'qdrant-storage',
  snapshots: 'qdrant-snapshots',
  config: 'config',
  init: 'init',
  tmp: 'tmp',
} as const;
