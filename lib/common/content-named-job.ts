import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { configHash } from './config-hash';

/**
 * A Job whose name ends in a hash of its spec (`<base>-<8 hex>`). A Job's pod template is immutable, so a Job
 * with a fixed name could not change; with a content name, `kubectl apply` of unchanged output is a no-op and a
 * changed spec creates (and runs) a new Job. The spec may contain lazy values: the name is computed at synth.
 */
export class ContentNamedJob extends k8s.KubeJob {
  private readonly baseName: string;

  constructor(scope: Construct, id: string, baseName: string, props: k8s.KubeJobProps) {
    super(scope, id, props);
    this.baseName = baseName;
  }

  public toJson(): any {
    const json = super.toJson();
    json.metadata = { ...json.metadata, name: `${this.baseName}-${configHash(json.spec).slice(0, 8)}` };
    return json;
  }
}
