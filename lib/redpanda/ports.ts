/**
 * Redpanda's ports and the names the Services and probes use. The in-cluster Kafka listener is 9093 (as in the
 * official chart); 9092 is the port-forward listener, so the seed's `kubectl port-forward svc/rp 9092:9092`
 * followed by `kcat -b localhost:9092` reaches a broker that advertises an address the laptop can use.
 */
export const REDPANDA_PORTS = {
  /** In-cluster Kafka API (listener `internal`), advertised as the pod's FQDN. */
  kafka: 9093,
  /** Port-forward Kafka API (listener `local`), advertised as 127.0.0.1:<base + ordinal>. */
  kafkaLocal: 9092,
  /** External Kafka API (listener `external`), advertised as <address>:<node port>. */
  kafkaExternal: 9094,
  /** Admin API: health, metrics (`/public_metrics`), cluster config. */
  admin: 9644,
  /** HTTP proxy (pandaproxy). */
  http: 8082,
  /** Schema registry. */
  schemaRegistry: 8081,
  /** Broker-to-broker Raft RPC. */
  rpc: 33145,
} as const;

/** Container/Service port names (at most 15 characters, IANA_SVC_NAME). */
export const REDPANDA_PORT_NAMES = {
  kafka: 'kafka',
  kafkaLocal: 'kafka-local',
  kafkaExternal: 'kafka-external',
  admin: 'admin',
  http: 'http',
  schemaRegistry: 'schemaregistry',
  rpc: 'rpc',
} as const;

/** Listener names inside redpanda.yaml. */
export const LISTENER = { internal: 'internal', local: 'local', external: 'external' } as const;

/** Where things live inside the broker container. */
export const PATHS = {
  data: '/var/lib/redpanda/data',
  config: '/etc/redpanda',
  configSource: '/etc/redpanda-config',
  tls: '/etc/tls/certs/default',
  users: '/etc/secrets/users',
  tmp: '/tmp',
} as const;

/** uid/gid of the `redpanda` user in the official image. */
export const REDPANDA_UID = 101;
