// Built apps (dist/) as their own processes, like AppProcess in @shop/testing, but with
// what a benchmark needs besides: the process id (to read its memory from /proc) and a
// start-to-ready time taken with a short poll interval.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The workspace root, from dist/tools/bench/support/ where this runs. */
const workspace = fileURLToPath(new URL('../../../../', import.meta.url));
const READY_POLL_MS = 20;
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time the whole machine spent busy and in total (all cores), in seconds, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
  return { busy: (total - idle! - iowait!) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}

/** Something whose CPU time can be read: a ChildApp, or a server process found by name. */
export interface CpuAccount {
  readonly name: string;
  cpuSeconds(): number;
}

function cpuSecondsOf(pid: number): number {
  // utime and stime: fields 14 and 15 of /proc/<pid>/stat, counted after the command name in parentheses.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** A process of this machine by its command name (e.g. RabbitMQ's `beam.smp`), if there is exactly one. */
export function processNamed(command: string, name: string): CpuAccount | undefined {
  const pids = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command;
      } catch {
        return false;
      }
    });
  if (pids.length !== 1) return undefined;
  const pid = Number(pids[0]);
  return { name, cpuSeconds: () => cpuSecondsOf(pid) };
}

export class ChildApp implements CpuAccount {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  /** Milliseconds from spawn to the first 200 of /health/ready. */
  readyAfterMs = Number.NaN;
  private readonly child: ChildProcess;
  private readonly spawnedAt = process.hrtime.bigint();

  private constructor(
    readonly name: string,
    script: string,
    env: Record<string, string | undefined>,
    nodeArgs: string[],
  ) {
    // The same flags as production (the Dockerfiles), and any the caller adds (e.g. --cpu-prof).
    this.child = spawn(process.execPath, ['--enable-source-maps', '--max-old-space-size=192', ...nodeArgs, script], {
      cwd: workspace,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.keep(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.keep(chunk));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /**
   * Spawns `script` (relative to the workspace, e.g. dist/apps/monolith/src/main.js) and waits until /health/ready on `port`
   * answers 200.
   */
  static async start(
    name: string,
    script: string,
    port: number,
    env: Record<string, string | undefined>,
    { nodeArgs = [] as string[], timeoutMs = 90_000 } = {},
  ): Promise<ChildApp> {
    const app = new ChildApp(name, script, env, nodeArgs);
    await app.waitUntilReady(port, timeoutMs);
    return app;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident memory now and its peak over the process's life (VmRSS, VmHWM), in MiB. */
  memory(): { rssMiB: number; peakRssMiB: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
  }

  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  /** SIGTERM (graceful shutdown), SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private keep(chunk: Buffer): void {
    this.output.push(chunk.toString());
    if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
  }

  private async waitUntilReady(port: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (response) => response.arrayBuffer().then(() => response.status),
        () => 0,
      );
      if (status === 200) {
        this.readyAfterMs = Number(process.hrtime.bigint() - this.spawnedAt) / 1e6;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
    await this.stop(0);
    throw new Error(`${this.name} ${exited ? 'exited' : `was not ready within ${timeoutMs} ms`}:\n${this.output.join('')}`);
  }
}
