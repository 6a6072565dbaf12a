import { App, Chart, Testing } from 'cdk8s';

/** A chart in namespace `lab`, in a fresh test app. */
export function labChart(namespace = 'lab'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** Every object the chart synthesizes (runs validations too). */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** Every object of every chart of an app. */
export function synthApp(app: App): any[] {
  return app.charts.flatMap((c) => Testing.synth(c));
}

/** The one object of a kind (and name, when given); throws when there is not exactly one. */
export function only(objs: any[], kind: string, name?: string): any {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}: ${objs.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found[0];
}

/** All objects of a kind. */
export function all(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

/** Runs `fn` and returns the error it throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

/** A Secret's `data`, decoded from base64. */
export function secretData(secret: any): { [key: string]: string } {
  return Object.fromEntries(Object.entries<string>(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}
