import { CheckFailure, CheckSkipped, ExplainContext, Problem, describeChain, explain } from './errors';
import { StepTimeoutError, formatMs, table, withTimeout } from './util';

export type Status = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  id: string;
  title: string;
  status: Status;
  durationMs: number;
  /** One line for the step list and the summary table. */
  summary: string;
  /** Extra detail lines (tables, per-item results). */
  lines: string[];
  /** Machine-readable figures for --json. */
  data?: unknown;
  problem?: Problem;
  skipReason?: string;
}

export interface CheckOutput {
  summary: string;
  lines?: string[];
  data?: unknown;
}

export interface CheckContext {
  /** Prints a progress line under the running check. */
  progress(msg: string): void;
  /** Context used to explain an unexpected error thrown by the check (can be updated as the check proceeds). */
  explainWith(ctx: ExplainContext): void;
}

export interface Writer {
  write(s: string): void;
}

export interface ReporterOptions {
  /** Where the human-readable step list goes (stdout normally, stderr with --json). */
  out: Writer;
  quiet?: boolean;
  color?: boolean;
}

const MARK: Record<Status | 'running', string> = { passed: '[ ok ]', failed: '[FAIL]', skipped: '[skip]', running: '[ .. ]' };

export class Reporter {
  readonly results: CheckResult[] = [];
  /** Set when a signal arrived: checks that end afterwards are recorded as interrupted, not as failed. */
  interruptedBy?: string;
  private readonly out: Writer;
  private readonly quiet: boolean;
  private readonly color: boolean;

  constructor(opts: ReporterOptions) {
    this.out = opts.out;
    this.quiet = !!opts.quiet;
    this.color = !!opts.color;
  }

  private paint(status: Status | 'running', s: string): string {
    if (!this.color) return s;
    const code = status === 'passed' ? 32 : status === 'failed' ? 31 : status === 'skipped' ? 33 : 36;
    return `\u001b[${code}m${s}\u001b[0m`;
  }

  line(s = ''): void {
    if (!this.quiet) this.out.write(`${s}\n`);
  }

  /** Records a check that was not run at all. */
  skipped(id: string, title: string, reason: string): CheckResult {
    const r: CheckResult = { id, title, status: 'skipped', durationMs: 0, summary: `skipped (${reason})`, lines: [], skipReason: reason };
    this.results.push(r);
    this.line(`${this.paint('skipped', MARK.skipped)} ${id}  ${r.summary}`);
    return r;
  }

  /**
   * Runs one check with a hard deadline. A thrown CheckSkipped marks it skipped, a CheckFailure carries
   * its own explanation, anything else is explained with the context the check declared.
   */
  async run(id: string, title: string, timeoutMs: number, fn: (c: CheckContext) => Promise<CheckOutput>): Promise<CheckResult> {
    const started = Date.now();
    let ectx: ExplainContext = { service: 'kube', action: title, tried: title };
    this.line(`${this.paint('running', MARK.running)} ${id}  ${title}`);
    const ctx: CheckContext = {
      progress: (msg) => this.line(`       · ${msg}`),
      explainWith: (c) => {
        ectx = c;
      },
    };
    let r: CheckResult;
    try {
      const o = await withTimeout(fn(ctx), timeoutMs, title);
      r = { id, title, status: 'passed', durationMs: Date.now() - started, summary: o.summary, lines: o.lines ?? [], data: o.data };
    } catch (e) {
      const durationMs = Date.now() - started;
      if (e instanceof CheckSkipped) {
        r = { id, title, status: 'skipped', durationMs, summary: `skipped (${e.reason})`, lines: [], skipReason: e.reason };
      } else {
        const problem = e instanceof CheckFailure ? e.problem : explain(e, e instanceof StepTimeoutError && e.label === title ? { ...ectx } : ectx);
        if (!problem.cause && !(e instanceof CheckFailure)) problem.cause = describeChain(e);
        const details = e instanceof CheckFailure ? e.details : undefined;
        r = { id, title, status: 'failed', durationMs, summary: problem.what, lines: details?.lines ?? [], data: details?.data, problem };
      }
    }
    if (this.interruptedBy && r.status !== 'passed') {
      r = { id, title, status: 'skipped', durationMs: r.durationMs, summary: `skipped (interrupted by ${this.interruptedBy})`, lines: [], skipReason: `interrupted by ${this.interruptedBy}` };
    }
    this.results.push(r);
    this.printResult(r);
    return r;
  }

  private printResult(r: CheckResult): void {
    const time = r.status === 'skipped' && r.durationMs === 0 ? '' : `  ${formatMs(r.durationMs)}`;
    this.line(`${this.paint(r.status, MARK[r.status])} ${r.id}${time}  ${r.summary}`);
    for (const l of r.lines) this.line(`       ${l}`);
    if (r.problem) {
      this.line(`       what:  ${r.problem.what}`);
      this.line(`       tried: ${r.problem.tried}`);
      this.line(`       fix:   ${r.problem.fix}`);
      if (r.problem.cause && r.problem.cause !== r.problem.what) this.line(`       cause: ${r.problem.cause}`);
    }
  }

  counts(): Record<Status, number> {
    const c: Record<Status, number> = { passed: 0, failed: 0, skipped: 0 };
    for (const r of this.results) c[r.status]++;
    return c;
  }

  /** The summary table printed at the end. */
  summaryLines(): string[] {
    const rows = this.results.map((r) => [r.id, r.status === 'passed' ? 'ok' : r.status === 'failed' ? 'FAIL' : 'skip', r.status === 'skipped' && !r.durationMs ? '-' : formatMs(r.durationMs), r.summary]);
    return table(['CHECK', 'RESULT', 'TIME', 'DETAIL'], rows);
  }
}
