import { ApiObject } from 'cdk8s';

/**
 * The workload a {@link KafkaLagScaler} scales: anything with a `/scale` subresource, named by API version,
 * kind and name (what KEDA's `scaleTargetRef` holds).
 *
 * A cdk8s-plus `Deployment` or `StatefulSet`, an L1 `k8s.KubeDeployment` / `k8s.KubeStatefulSet` and a
 * {@link KafkaConsumerSample} all have these three attributes, so they can be passed as they are; for a workload
 * defined elsewhere use {@link ScaleTarget.fromAttributes}.
 */
export interface IScaleTarget {
  /** API version of the workload, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** Kind of the workload, e.g. `Deployment`. */
  readonly kind: string;
  /** Name of the workload. */
  readonly name: string;
}

/** A workload that is not a construct in this app, named by its attributes. */
export interface ScaleTargetAttributes {
  /** API version. @default 'apps/v1' */
  readonly apiVersion?: string;
  /** Kind. @default 'Deployment' */
  readonly kind?: string;
  /** Name of the workload. */
  readonly name: string;
  /** Namespace of the workload, checked against the ScaledObject's. @default - not checked */
  readonly namespace?: string;
}

/** Factories for {@link IScaleTarget}. */
export class ScaleTarget implements IScaleTarget {
  /** A workload defined outside this app (or by another tool), by name. */
  public static fromAttributes(attrs: ScaleTargetAttributes): IScaleTarget {
    return new ScaleTarget(attrs.apiVersion ?? 'apps/v1', attrs.kind ?? 'Deployment', attrs.name, attrs.namespace);
  }

  /** An L1 object, e.g. `k8s.KubeDeployment` or `k8s.KubeStatefulSet` (its namespace is checked). */
  public static fromApiObject(obj: ApiObject): IScaleTarget {
    return new ScaleTarget(obj.apiVersion, obj.kind, obj.name, obj.metadata.namespace);
  }

  private constructor(
    public readonly apiVersion: string,
    public readonly kind: string,
    public readonly name: string,
    /** Namespace of the workload, when known. */
    public readonly namespace?: string,
  ) {}
}

/** What the scaler learns about its target (internal). */
export interface ResolvedScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** The target's namespace when it can be read (construct metadata or attributes). */
  readonly namespace?: string;
  /** A replica count fixed on a cdk8s-plus workload (it would fight the autoscaler on every apply). */
  readonly fixedReplicas?: number;
  /** Called to tell a cdk8s-plus workload that an autoscaler owns its replica count. */
  readonly markHasAutoscaler?: () => void;
}

/**
 * Reads a target's attributes. cdk8s-plus workloads (`IScalable`) and ApiObjects expose their namespace through
 * `metadata.namespace`; a {@link ScaleTarget} carries it directly.
 */
export function resolveScaleTarget(t: IScaleTarget): ResolvedScaleTarget {
  const any = t as any;
  let namespace: string | undefined = typeof any.namespace === 'string' ? any.namespace : undefined;
  try {
    namespace = namespace ?? (any.metadata && typeof any.metadata.namespace === 'string' ? any.metadata.namespace : undefined);
  } catch {
    // metadata not readable: namespace unknown, not checked
  }
  const scalable = typeof any.markHasAutoscaler === 'function' && typeof any.toScalingTarget === 'function';
  let fixedReplicas: number | undefined;
  if (scalable) {
    const st = any.toScalingTarget();
    fixedReplicas = typeof st?.replicas === 'number' ? st.replicas : undefined;
  }
  return {
    apiVersion: t.apiVersion,
    kind: t.kind,
    name: t.name,
    namespace,
    fixedReplicas,
    markHasAutoscaler: scalable ? () => any.markHasAutoscaler() : undefined,
  };
}
