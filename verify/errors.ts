import { StepTimeoutError, errorMessage, formatMs, isLoopback, splitHostPort } from './util';

/** What a failed check reports: what failed, what was tried, the likely fix. */
export interface Problem {
  what: string;
  tried: string;
  fix: string;
  /** The underlying error chain, for --json and for the curious. */
  cause?: string;
}

/** Thrown inside a check to fail it with a prepared explanation. */
export class CheckFailure extends Error {
  constructor(
    readonly problem: Problem,
    /** Tables and figures gathered before the failure, still worth showing (e.g. the partition table). */
    readonly details?: { lines?: string[]; data?: unknown },
  ) {
    super(problem.what);
    this.name = 'CheckFailure';
  }
}

/** Thrown inside a check to mark it skipped (never counted as passed). */
export class CheckSkipped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CheckSkipped';
  }
}

export function fail(what: string, tried: string, fix: string, cause?: string): never {
  throw new CheckFailure({ what, tried, fix, cause });
}

export function skip(reason: string): never {
  throw new CheckSkipped(reason);
}

export type Service = 'kafka' | 'qdrant' | 'kube' | 'ollama' | 'port-forward';

export interface ExplainContext {
  service: Service;
  /** What the check was doing, e.g. "reading cluster metadata". */
  action: string;
  /** What was tried, e.g. "kafkajs admin client to 127.0.0.1:9092 (PLAINTEXT, no SASL)". */
  tried: string;
  /** The endpoint the user configured (host:port or URL), used in hints. */
  endpoint?: string;
  /** Whether verify opened the tunnel itself (--port-forward). */
  portForward?: boolean;
  namespace?: string;
  /** Extra lines from a diagnosis probe. */
  diagnosis?: string;
}

/** Flattens an error and its causes (kafkajs originalError, fetch cause, ws ErrorEvent.error, AggregateError). */
export function causeChain(err: unknown): any[] {
  const out: any[] = [];
  const seen = new Set<unknown>();
  const walk = (e: any, depth: number) => {
    if (!e || depth > 8 || seen.has(e)) return;
    seen.add(e);
    out.push(e);
    if (e.originalError) walk(e.originalError, depth + 1);
    if (e.cause) walk(e.cause, depth + 1);
    if (e.error && typeof e.error === 'object') walk(e.error, depth + 1);
    if (Array.isArray(e.errors)) for (const x of e.errors) walk(x, depth + 1);
  };
  walk(err, 0);
  return out;
}

export function describeChain(err: unknown): string {
  const parts: string[] = [];
  for (const e of causeChain(err)) {
    const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
    const code = e?.code && !String(e.message ?? '').includes(String(e.code)) ? ` [${e.code}]` : '';
    const msg = `${name}${errorMessage(e)}${code}`;
    if (!parts.includes(msg)) parts.push(msg);
  }
  return parts.join(' <- ');
}

function findCode(err: unknown): { code?: string; address?: string; e?: any } {
  for (const e of causeChain(err)) {
    const code = typeof e?.code === 'string' ? e.code : undefined;
    if (code) {
      // Node errors carry address/port; kafkajs keeps only the text ("connect ECONNREFUSED 127.0.0.1:9092").
      const fromText = new RegExp(`${code}\\s+([^\\s,]+)`).exec(String(e.message ?? ''))?.[1];
      return { code, address: e.address && e.port ? `${e.address}:${e.port}` : fromText ?? (typeof e.hostname === 'string' ? e.hostname : undefined), e };
    }
  }
  // kafkajs only keeps the message: "Connection error: connect ECONNREFUSED 127.0.0.1:9092"
  const text = describeChain(err);
  const m = /\b(ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE)\b(?:\s+([^\s,]+))?/.exec(text);
  if (m) return { code: m[1], address: m[2] };
  return {};
}

function hintForLocalEndpoint(ctx: ExplainContext): string {
  const ns = ctx.namespace ?? 'lab';
  if (ctx.portForward) {
    return 'verify opened this tunnel itself, so the pod is not accepting connections on the target port (or the API server could not reach the kubelet); check the pod with `kubectl -n ' + ns + ' get pods` and its logs';
  }
  switch (ctx.service) {
    case 'kube':
      return 'is the cluster running? (`kubectl cluster-info`; a stopped kind/minikube/k3d cluster refuses connections)';
    case 'kafka':
      return `is the port-forward running? Start it with \`kubectl -n ${ns} port-forward svc/rp 9092:9092\` (one broker) or let verify open the tunnels with --port-forward`;
    case 'qdrant':
      return `is the port-forward running? Start it with \`kubectl -n ${ns} port-forward svc/qdrant 6333:6333\` or let verify open the tunnel with --port-forward`;
    case 'ollama':
      return 'is Ollama running (`ollama serve`) and listening on that port?';
    default:
      return 'is the server running and listening on that port?';
  }
}

/** The host part of host:port, [v6]:port or a bare IPv6 address:port as printed by Node ("::1:9092"). */
export function hostOf(addr: string): string {
  if (!addr) return '';
  try {
    return splitHostPort(addr, 1).host;
  } catch {
    const i = addr.lastIndexOf(':');
    return i > 0 ? addr.slice(0, i) : addr;
  }
}

/** Turns any error into a Problem with a likely fix, based on the error chain and the context. */
export function explain(err: unknown, ctx: ExplainContext): Problem {
  if (err instanceof CheckFailure) return err.problem;
  const chain = describeChain(err);
  const tried = ctx.diagnosis ? `${ctx.tried}; ${ctx.diagnosis}` : ctx.tried;
  const where = ctx.endpoint ? ` on ${ctx.endpoint}` : '';
  const p = (what: string, fix: string): Problem => ({ what, tried, fix, cause: chain });

  if (err instanceof StepTimeoutError || causeChain(err).some((e) => e instanceof StepTimeoutError)) {
    const t = causeChain(err).find((e) => e instanceof StepTimeoutError) as StepTimeoutError;
    return p(
      `no answer within ${formatMs(t.ms)} while ${t.label}${where}`,
      ctx.service === 'kafka'
        ? 'the broker accepted the connection but did not finish the request in time: check the broker logs and that the addresses it advertises are reachable from here; raise --timeout on a slow cluster'
        : ctx.service === 'kube'
          ? 'the API server is slow or unreachable: check `kubectl cluster-info`; raise --timeout on a slow cluster'
          : 'the server is slow or not answering; check its pod and logs, or raise --timeout',
    );
  }

  const { code, address } = findCode(err);
  const addr = address ?? ctx.endpoint ?? '';
  const host = hostOf(addr);
  // "localhost" may resolve to ::1 or 127.0.0.1; either way it is the user's machine.
  const local = isLoopback(host) || isLoopback(hostOf(ctx.endpoint ?? ''));

  switch (code) {
    case 'ECONNREFUSED':
      return p(
        `connection refused on ${addr}`,
        local ? hintForLocalEndpoint(ctx) : `nothing listens on ${addr}: check the address and port (Service, NodePort or LoadBalancer) and that the pods are ready`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return p(
        `cannot resolve host ${host || addr}`,
        /\.svc(\.|$)|cluster\.local/.test(host) || (ctx.service === 'kafka' && !host.includes('.'))
          ? `"${host}" is an in-cluster DNS name, which resolves only inside the cluster; from outside it connect through a listener that advertises reachable addresses (Redpanda's kafka-local listener with --port-forward, or a NodePort/LoadBalancer listener), or run verify as a pod with --in-cluster`
          : 'check the host name (typo? VPN? /etc/hosts?)',
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return p(`cannot reach ${addr} (${code})`, 'a firewall, a wrong IP or NodePort, or the node is down; check the address from this machine with `nc -vz host port`');
    case 'ECONNRESET':
    case 'EPIPE':
      if (/TLS|secure/i.test(chain)) {
        return p(`the TLS handshake with ${addr} was cut off`, 'this listener does not speak TLS: drop --tls, or point --kafka-bootstrap at the TLS listener');
      }
      return p(`the connection to ${addr} was reset`, 'the server dropped the connection: wrong port (not this protocol), or a listener that requires TLS/SASL');
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_UNTRUSTED':
      return p(
        `the server certificate on ${addr} is not trusted (${code})`,
        'pass --ca-file with the CA that signed it (for Redpanda with cert-manager: `kubectl -n lab get secret rp-default-cert -o jsonpath="{.data.ca\\.crt}" | base64 -d > ca.crt`)',
      );
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return p(`the server certificate does not cover the host name used for ${addr}`, 'connect with a name listed in the certificate (its SANs), or use --tls-servername <name in the certificate>');
    case 'CERT_HAS_EXPIRED':
      return p(`the server certificate on ${addr} has expired`, 'renew the certificate (cert-manager: check the Certificate resource)');
    default:
      break;
  }

  if (/Request .* timed out|Connection timeout|ETIMEDOUT|timed out|aborted due to timeout/i.test(chain)) {
    return p(
      `no answer${where} in time (${/Connection timeout/i.test(chain) ? 'connecting' : 'waiting for a response'})`,
      ctx.service === 'kafka'
        ? 'something accepts connections there but does not answer as Kafka: wrong port, a listener that expects TLS/SASL, or an overloaded broker; raise --timeout on a slow cluster'
        : 'the server accepts connections but does not answer: check its pod and logs, or raise --timeout',
    );
  }
  if (/SASL.*authentication failed|invalid credentials|Authentication failed/i.test(chain)) {
    return p(
      `SASL authentication failed${where}`,
      'check --username and the password in the variable named by --password-env, and that the mechanism matches a user that exists (SCRAM-SHA-256 and SCRAM-SHA-512 credentials are separate; `rpk security user list`)',
    );
  }
  if (/ILLEGAL_SASL_STATE|not valid given the current SASL state/.test(chain)) {
    return p(`this listener does not use SASL${where}`, 'drop --sasl-mechanism, or point --kafka-bootstrap at the SASL listener');
  }
  if (/UNSUPPORTED_SASL_MECHANISM|SASL mechanism.*not supported|not support.*mechanism/i.test(chain)) {
    return p(`the listener does not offer that SASL mechanism${where}`, 'use the mechanism the cluster enables (Redpanda defaults to SCRAM-SHA-512; --sasl-mechanism scram-sha-512)');
  }
  if (/does not support the requested API version|ServerDoesNotSupportApiKey/.test(chain)) {
    return p(
      `the server${where} speaks the Kafka protocol but refuses client requests`,
      'this looks like a controller or inter-broker port, not a client listener; use the Kafka client port (Redpanda: 9092 via port-forward, 9093 in-cluster)',
    );
  }
  if (/TOPIC_AUTHORIZATION_FAILED|CLUSTER_AUTHORIZATION_FAILED|GROUP_AUTHORIZATION_FAILED|not authorized/i.test(chain)) {
    return p(`the user is not authorised for this operation${where}`, 'grant the verify user ACLs to create/delete topics prefixed "verify-" and consumer groups prefixed "verify-" (or run it as a superuser)');
  }
  if (/Closed connection|socket hang up|ConnectionClosed/i.test(chain)) {
    return p(
      `the server${where} closed the connection`,
      'wrong port (not a Kafka listener), or a listener that requires TLS (--tls) or SASL (--sasl-mechanism); the diagnosis above tells which',
    );
  }
  if (/Unexpected server response: (\d+)/.test(chain)) {
    const status = /Unexpected server response: (\d+)/.exec(chain)![1];
    return p(
      `the API server refused the port-forward (HTTP ${status})`,
      status === '403'
        ? 'your user may not create pods/portforward in this namespace (`kubectl auth can-i create pods/portforward -n lab`)'
        : status === '404'
          ? 'the pod does not exist (yet); check `kubectl -n lab get pods`'
          : 'check that `kubectl port-forward` works with this kube context',
    );
  }
  if (/HTTP protocol is not allowed when skipTLSVerify/.test(chain)) {
    return p(
      'the kubeconfig points at an http:// API server, which @kubernetes/client-node refuses by default',
      'for a local `kubectl proxy`-style endpoint set `insecure-skip-tls-verify: true` on that cluster entry, or use the https:// server address',
    );
  }
  const status = Number((causeChain(err).find((e) => typeof e?.code === 'number' || typeof e?.status === 'number') as any)?.code ?? NaN);
  if (ctx.service === 'kube' && status === 401) return p('the API server rejected the credentials (401)', 'refresh your kube credentials (`kubectl get ns` should work), or pick another --context');
  if (ctx.service === 'kube' && status === 403) return p(`forbidden (403) while ${ctx.action}`, 'your user lacks RBAC for this read; the missing permission is in the cause below (`kubectl auth can-i …`)');
  return p(`${ctx.action} failed${where}: ${errorMessage(err)}`, 'see the cause below; rerun with --json for the full error chain');
}
