import { z } from 'zod';
import { STRANGLER_MODES } from '../strangler/strangleable-context.js';

const port = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const pem = (label: string) =>
  optionalText.refine((value) => value === undefined || value.includes(`-----BEGIN ${label}`), {
    message: `must be a PEM-encoded ${label.toLowerCase()}`,
  });

const url = (protocols: string[]) =>
  optionalText.refine(
    (value) => value === undefined || protocols.some((p) => value.startsWith(`${p}://`)),
    { message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}` },
  );


/** Every variable of the configuration table in shared/spec/http-api.md, plus the few operational extras the README lists. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  PORT: port.default(3000),
  ORDER_SERVICE_PORT: port.default(3001),
  DATABASE_URL: url(['postgres', 'postgresql']),
  AMQP_URL: url(['amqp', 'amqps']),
  AMQP_NAMESPACE: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'must be 1-41 lower-case letters, digits or dashes')
    .default('shop'),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('.data'),
  JWT_PRIVATE_KEY: pem('PRIVATE KEY'),
  JWT_PUBLIC_KEY: pem('PUBLIC KEY'),
  ADMIN_EMAIL: optionalText.refine((v) => v === undefined || z.email().safeParse(v).success, { message: 'must be an email address' }),
  ADMIN_PASSWORD: optionalText.refine((v) => v === undefined || v.length >= 8, { message: 'must be at least 8 characters' }),
  STRANGLER_ORDERING: z.enum(STRANGLER_MODES, { error: `must be one of ${STRANGLER_MODES.join(', ')}` }).default('monolith'),
  STRANGLER_TIMEOUT_MS: z.coerce.number({ error: 'must be a whole number of milliseconds' }).int('must be a whole number of milliseconds').min(100, 'must be between 100 and 3000').max(3000, 'must be between 100 and 3000').default(3000),
  STRANGLER_BREAKER_COOLDOWN_MS: z.coerce.number({ error: 'must be a whole number of milliseconds' }).int('must be a whole number of milliseconds').min(100, 'must be between 100 and 600000').max(600_000, 'must be between 100 and 600000').default(5000),
  PAYMENT_LIMIT_CENTS: z.coerce.number({ error: 'must be a whole number of cents' }).int('must be a whole number of cents').min(0, 'must not be negative').default(100000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be a pino level (fatal, error, warn, info, debug, trace, silent)' }).default('info'),
});

export type RawConfig = z.infer<typeof configSchema>;
