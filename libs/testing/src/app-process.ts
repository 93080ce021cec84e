import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root: the nearest folder above this file with a package.json (from libs/testing/src and from dist/ alike). */
function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const workspace = workspaceRoot();

/** A built app (`dist/apps/<app>/src/main.js`, see jest's global setup) running as its own process, as in production. */
export class AppProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  private constructor(app: string, env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${app}/src/main.js`], {
      cwd: workspace,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Starts the app and resolves once `/health/ready` answers 200 on `port`. */
  static async start(app: string, port: number, env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<AppProcess> {
    const started = new AppProcess(app, env);
    await started.waitUntilReady(port, timeoutMs);
    return started;
  }

  /** Starts the app without waiting (for apps expected to refuse to start). */
  static launch(app: string, env: Record<string, string | undefined>): AppProcess {
    return new AppProcess(app, env);
  }

  /** Stalls the process (SIGSTOP): alive, holding its connections, doing nothing. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  /** Lets a stalled process go on (SIGCONT). */
  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** Whether the process is still there (it has not exited, by itself or killed). */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How it ended, once it has: its exit code or the signal that killed it. */
  get ending(): string | undefined {
    return this.running ? undefined : `${this.child.exitCode ?? this.child.signalCode}`;
  }

  /** The process id, for faults a test injects from outside. */
  get pid(): number {
    return this.child.pid!;
  }

  /** SIGKILL at once, without waiting (for exit handlers, which cannot wait). */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }

  private async waitUntilReady(port: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.stop('SIGKILL');
    throw new Error(`${exited ? 'exited' : `not ready within ${timeoutMs} ms`}:\n${this.output.join('')}`);
  }
}

export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
