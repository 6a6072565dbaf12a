import { k8s } from 'cdk8s-plus-28';

/** A key in a Secret that lives next to the workload. No value is ever inlined. */
export interface SecretKeyReference {
  /** Secret name. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** An environment variable read from a Secret key (never a literal value). */
export function envFromSecret(name: string, ref: SecretKeyReference): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } };
}
