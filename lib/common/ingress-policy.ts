import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { isNetworkPeer, NETWORK_PEER_ALLOWED, NetworkPeer, networkPolicyPeer } from './network-policy';
import { DatastreamValidationError, failureMessage } from './validation';

/** A TCP port of a NetworkPolicy rule. */
export function tcpPolicyPort(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}

/** What {@link IngressPolicy} needs to render a component's NetworkPolicy. */
export interface IngressPolicyOptions {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  /** The pods the policy protects. */
  readonly podSelector: { [key: string]: string };
  /** The ingress rules, given the admitted peers (rendered at synth, so peers added later count). */
  readonly rules: (admitted: k8s.NetworkPolicyPeer[]) => k8s.NetworkPolicyIngressRule[];
}

/**
 * A component's own NetworkPolicy (the kube-prometheus way), created on first use: `admit()` validates the peers
 * (naming the construct, the method and the offending value) and adds them; the rules are rendered at synth time.
 */
export class IngressPolicy {
  private readonly peers: NetworkPeer[] = [];
  private policy?: k8s.KubeNetworkPolicy;

  constructor(
    private readonly scope: Construct,
    private readonly method: string,
    private readonly options: IngressPolicyOptions,
  ) {}

  /** Validates and admits peers; creates the policy if it does not exist yet. */
  public admit(...peers: NetworkPeer[]): void {
    const bad = peers.filter((p) => !isNetworkPeer(p));
    if (bad.length) {
      const message = failureMessage(this.scope, this.method, 'peers', bad, NETWORK_PEER_ALLOWED);
      throw new DatastreamValidationError([{ path: this.scope.node.path, prop: 'peers', value: bad, message }]);
    }
    this.peers.push(...peers);
    this.ensure();
  }

  /** Creates the policy (admitting only what the rules always admit) if it does not exist yet. */
  public ensure(): k8s.KubeNetworkPolicy {
    if (!this.policy) {
      const o = this.options;
      this.policy = new k8s.KubeNetworkPolicy(this.scope, 'network-policy', {
        metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
        spec: {
          podSelector: { matchLabels: o.podSelector },
          policyTypes: ['Ingress'],
          ingress: Lazy.any({ produce: () => o.rules(this.peers.map(networkPolicyPeer)) }) as unknown as k8s.NetworkPolicyIngressRule[],
        },
      });
    }
    return this.policy;
  }

  /** Peers admitted so far. */
  public get admitted(): NetworkPeer[] {
    return [...this.peers];
  }
}
