// What a benchmark report says about where it ran: machine, date, and the versions that matter.
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import amqp from 'amqplib';
import pg from 'pg';

export interface Environment {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  rabbitmq: string;
  nestjs: string;
}

/** The workspace root, from dist/tools/bench/support/ where this runs. */
const workspace = new URL('../../../../', import.meta.url);

const packageVersion = (name: string): string =>
  (JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, workspace), 'utf8')) as { version: string }).version;

export function cpuModel(): string {
  try {
    const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    if (model) return model.trim();
  } catch {
    // not Linux: fall back to what Node knows
  }
  return cpus()[0]?.model ?? 'unknown';
}

export async function describeEnvironment(postgresUrl: string, amqpUrl: string): Promise<Environment> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  const postgres = ((await client.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
  await client.end();
  const connection = await amqp.connect(amqpUrl);
  const properties =
    (connection as unknown as { connection: { serverProperties?: { version?: unknown; product?: unknown } } }).connection
      .serverProperties ?? {};
  await connection.close();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: `Linux ${release()}`,
    node: process.version,
    postgres: postgres.split(' ')[0]!,
    rabbitmq: `${String(properties.product ?? 'RabbitMQ')} ${String(properties.version ?? 'unknown')}`,
    nestjs: [
      `@nestjs/core ${packageVersion('@nestjs/core')}`,
      `@nestjs/microservices ${packageVersion('@nestjs/microservices')}`,
      `amqplib ${packageVersion('amqplib')}`,
      `amqp-connection-manager ${packageVersion('amqp-connection-manager')}`,
      `autocannon ${packageVersion('autocannon')}`,
    ].join(', '),
  };
}
