/**
 * The pairing discipline every bench:* script shares, so a ratio against R means one thing:
 * - the same job on the same in-memory data: R runs in one long-lived session (bench/r-session.R) whose
 *   set-up script reads the data and builds every object before any timing; each timed call is the job
 *   alone, as ours is;
 * - the same warm-up on both sides (one untimed call, or the first call reported on its own), then
 *   interleaved rounds (ours, R, R, ours, …) so drifting machine load hits both alike;
 * - the same statistic: the median over rounds of wall and of CPU time on each side, and the ratio of the
 *   medians (ours / R) with the range of the per-round ratios;
 * - the load: the 1-minute load average before and after each pairing, and the core count, printed beside
 *   the figures (CPU time is the steadier figure on a busy machine; wall time is what a user waits for).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Timing {
  wallMs: number;
  cpuMs: number;
}

export interface RResult extends Timing {
  /** What the R job returned (numbers to check agreement). */
  value: Record<string, number | number[]>;
}

export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall and CPU time (this process, all threads) of one synchronous call. */
export function timeOnce<T>(fn: () => T): Timing & { value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000, value };
}

/** A long-lived Rscript running bench/r-session.R with a set-up script that defines `jobs`. */
export class RSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly queue: ((line: string) => void)[] = [];
  private stderr = '';

  private constructor(setup: string, args: string[]) {
    const session = fileURLToPath(new URL('r-session.R', import.meta.url));
    this.child = spawn('Rscript', [session, setup, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.queue.shift()?.(line));
    this.child.on('exit', (code) => {
      if (code) for (const k of this.queue.splice(0)) k(JSON.stringify({ error: this.stderr.slice(-2000) }));
    });
  }

  private next(): Promise<string> {
    return new Promise((resolve) => this.queue.push(resolve));
  }

  /** Starts R and waits until the set-up script has read and prepared everything. */
  static async start(setup: string, args: string[] = []): Promise<RSession> {
    const s = new RSession(setup, args);
    const ready = await s.next();
    if (ready !== 'ready') throw new Error(`R set-up failed: ${ready}\n${s.stderr.slice(-3000)}`);
    return s;
  }

  async run(job: string): Promise<RResult> {
    const reply = this.next();
    this.child.stdin.write(`${job}\n`);
    const r = JSON.parse(await reply) as {
      error?: string;
      wall_ms: number;
      cpu_ms: number;
      value: Record<string, number | number[]>;
    };
    if (r.error) throw new Error(`R job ${job} failed: ${r.error}`);
    return { wallMs: r.wall_ms, cpuMs: r.cpu_ms, value: r.value };
  }

  async close(): Promise<void> {
    this.child.stdin.end('quit\n');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

export interface Pairing<T> {
  job: string;
  rounds: number;
  ours: Timing[];
  r: Timing[];
  first: { ours: Timing; r: Timing };
  oursValue: T;
  rValue: Record<string, number | number[]>;
  load: [number, number];
}

/**
 * Times `ours` against R's `job`: one first call each (reported, not counted), then `rounds`
 * interleaved rounds, alternating which side goes first.
 */
export async function pair<T>(
  label: string,
  ours: () => T,
  r: RSession,
  job: string,
  rounds: number,
): Promise<Pairing<T>> {
  const before = loadAverage();
  const firstOurs = timeOnce(ours);
  const firstR = await r.run(job);
  const o: Timing[] = [];
  const theirs: Timing[] = [];
  let rValue = firstR.value;
  for (let k = 0; k < rounds; k++) {
    if (k % 2 === 0) {
      o.push(timeOnce(ours));
      const x = await r.run(job);
      theirs.push(x);
      rValue = x.value;
    } else {
      const x = await r.run(job);
      theirs.push(x);
      rValue = x.value;
      o.push(timeOnce(ours));
    }
  }
  return {
    job: label,
    rounds,
    ours: o,
    r: theirs,
    first: { ours: firstOurs, r: firstR },
    oursValue: firstOurs.value,
    rValue,
    load: [before, loadAverage()],
  };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3)).padStart(7);

/** One block per pairing: medians, ratio of medians and range of per-round ratios, wall and CPU; load. */
export function report(p: Pairing<unknown>): string {
  const side = (xs: Timing[], k: keyof Timing) => median(xs.map((x) => x[k]));
  const ratios = (k: keyof Timing) => p.ours.map((x, i) => x[k] / p.r[i][k]);
  const line = (k: keyof Timing, name: string) => {
    const rs = ratios(k);
    return (
      `  ${name}  ours ${fmt(side(p.ours, k))} ms   R ${fmt(side(p.r, k))} ms   ` +
      `ratio ${(side(p.ours, k) / side(p.r, k)).toFixed(3)}  (rounds ${Math.min(...rs).toFixed(3)}–${Math.max(...rs).toFixed(3)})`
    );
  };
  const first =
    `  first call wall  ours ${fmt(p.first.ours.wallMs)} ms   R ${fmt(p.first.r.wallMs)} ms   ` +
    `ratio ${(p.first.ours.wallMs / p.first.r.wallMs).toFixed(3)}; cpu ratio ${(p.first.ours.cpuMs / p.first.r.cpuMs).toFixed(3)}`;
  return [
    `${p.job}  [median of ${p.rounds} interleaved rounds; load ${p.load[0].toFixed(2)} → ${p.load[1].toFixed(2)} on ${availableParallelism()} cores]`,
    line('wallMs', 'wall'),
    line('cpuMs', 'cpu '),
    first,
  ].join('\n');
}

/** Relative agreement check printed under a pairing; sets a failing exit code when it does not hold. */
export function agreement(name: string, ours: number, theirs: number, tol = 1e-6): string {
  const ok = Math.abs(ours - theirs) <= tol * Math.max(1, Math.abs(theirs));
  if (!ok) process.exitCode = 1;
  return `  ${name.padEnd(22)} ours ${ours.toPrecision(10).padStart(16)}   R ${theirs.toPrecision(10).padStart(16)}   agree to ${tol}: ${ok ? 'yes' : 'NO'}`;
}

/** `--rounds N` from the command line, else the default. */
export function roundsArg(fallback: number): number {
  const i = process.argv.indexOf('--rounds');
  const n = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error('--rounds: expected an integer ≥ 1');
  return n;
}
