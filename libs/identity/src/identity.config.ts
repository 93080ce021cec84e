import { z } from 'zod';
import { defineConfig, requiredInProduction, variables } from '@shop/platform';

export interface IdentityConfig {
  /** The admin seeded at start-up (idempotently). */
  admin: { email: string; password: string | undefined };
}

/** `ADMIN_EMAIL` / `ADMIN_PASSWORD`: in development a password is generated and shown once; production must set both. */
export const identityConfig = defineConfig({
  name: 'identity',
  variables: {
    ADMIN_EMAIL: variables
      .optionalText()
      .refine((value) => value === undefined || z.email().safeParse(value).success, { message: 'must be an email address' }),
    ADMIN_PASSWORD: variables
      .optionalText()
      .refine((value) => value === undefined || value.length >= 8, { message: 'must be at least 8 characters' }),
  },
  secrets: ['ADMIN_PASSWORD'],
  check: (raw, { env }) =>
    env === 'production' ? (['ADMIN_EMAIL', 'ADMIN_PASSWORD'] as const).filter((name) => !raw[name]).map(requiredInProduction) : [],
  build: (raw): IdentityConfig => ({
    admin: { email: (raw.ADMIN_EMAIL ?? 'admin@example.com').toLowerCase(), password: raw.ADMIN_PASSWORD },
  }),
});
