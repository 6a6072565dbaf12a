import { k8s } from 'cdk8s-plus-28';

/**
 * Security contexts that pass PodSecurity `restricted`: non-root with an explicit uid, no privilege escalation,
 * every capability dropped, seccomp RuntimeDefault. fsGroup uses `OnRootMismatch` so large volumes are not
 * re-chowned on every start.
 */
export interface RestrictedSecurityOptions {
  /** uid the containers run as. */
  readonly runAsUser: number;
  /** gid the containers run as. @default - same as runAsUser */
  readonly runAsGroup?: number;
  /** Group that owns mounted volumes. @default - same as runAsGroup */
  readonly fsGroup?: number;
}

export function restrictedPodSecurityContext(o: RestrictedSecurityOptions): k8s.PodSecurityContext {
  const gid = o.runAsGroup ?? o.runAsUser;
  return {
    runAsNonRoot: true,
    runAsUser: o.runAsUser,
    runAsGroup: gid,
    fsGroup: o.fsGroup ?? gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedContainerSecurityContext(
  o: RestrictedSecurityOptions & { readonly readOnlyRootFilesystem?: boolean },
): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: o.runAsUser,
    runAsGroup: o.runAsGroup ?? o.runAsUser,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: o.readOnlyRootFilesystem ?? true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
