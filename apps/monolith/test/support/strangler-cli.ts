import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';

const workspace = fileURLToPath(new URL('../../../..', import.meta.url));

/** Runs `npm run strangler -- <args>` against the shop; resolves with its exit code and output. */
export function strangler(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'strangler', '--', ...args], {
      cwd: workspace,
      env: { PATH: process.env.PATH, ...env },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** Serves an in-process app on a free port of the loopback interface; answers its base URL (the CLI's SHOP_URL). */
export async function listening(app: INestApplication): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const started = app.getHttpServer().listen(0, '127.0.0.1', () => resolve(started));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
