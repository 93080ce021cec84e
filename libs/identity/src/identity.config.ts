import { z } from 'zod';
import { defineConfig, requiredInProduction, variables } from '@shop/platform';

/** The login policy's figures (ADR 0012): which counts refuse, which only slow down, and over which windows. */
export interface LoginLimits {
  /** Failures of one account from one client address within `windowSeconds`; that pair is then refused until the window ends. */
  perAccountAndAddress: number;
  /** Failures from one client address, whatever the accounts, within `windowSeconds`; that address is then refused. */
  perAddress: number;
  windowSeconds: number;
  /** Failures of one account from every address within `slowdownWindowSeconds` before the account is slowed (never locked). */
  slowdownAfter: number;
  slowdownWindowSeconds: number;
  /** The longest wait between two attempts on a slowed account. */
  maxSlowdownSeconds: number;
}

export interface RegistrationLimits {
  /** Registrations from one client address within `windowSeconds`. */
  perAddress: number;
  windowSeconds: number;
}

export interface IdentityConfig {
  /** The admin seeded at start-up (idempotently). */
  admin: { email: string; password: string | undefined };
  limits: { login: LoginLimits; registration: RegistrationLimits };
}

const DAY_SECONDS = 86_400;
const seconds = () => variables.wholeNumber(1, DAY_SECONDS, 'seconds');
const count = (max: number) => variables.wholeNumber(1, max);

/**
 * `ADMIN_EMAIL` / `ADMIN_PASSWORD`: in development a password is generated and shown once; production must set both.
 * `LOGIN_*` / `REGISTRATION_*`: the limits of ADR 0012, with its figures as defaults.
 */
export const identityConfig = defineConfig({
  name: 'identity',
  variables: {
    ADMIN_EMAIL: variables
      .optionalText()
      .refine((value) => value === undefined || z.email().safeParse(value).success, { message: 'must be an email address' }),
    ADMIN_PASSWORD: variables
      .optionalText()
      .refine((value) => value === undefined || value.length >= 8, { message: 'must be at least 8 characters' }),
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS: count(100).default(5),
    LOGIN_LIMIT_PER_ADDRESS: count(100_000).default(20),
    LOGIN_LIMIT_WINDOW_SECONDS: seconds().default(15 * 60),
    LOGIN_SLOWDOWN_AFTER: count(100_000).default(10),
    LOGIN_SLOWDOWN_WINDOW_SECONDS: seconds().default(60 * 60),
    LOGIN_SLOWDOWN_MAX_SECONDS: variables.wholeNumber(1, 3600, 'seconds').default(60),
    REGISTRATION_LIMIT_PER_ADDRESS: count(100_000).default(10),
    REGISTRATION_LIMIT_WINDOW_SECONDS: seconds().default(60 * 60),
  },
  secrets: ['ADMIN_PASSWORD'],
  check: (raw, { env }) => {
    const problems =
      env === 'production' ? (['ADMIN_EMAIL', 'ADMIN_PASSWORD'] as const).filter((name) => !raw[name]).map(requiredInProduction) : [];
    if (raw.LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS > raw.LOGIN_LIMIT_PER_ADDRESS) {
      problems.push(
        'LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS: must not exceed LOGIN_LIMIT_PER_ADDRESS ' +
          `(${raw.LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS} > ${raw.LOGIN_LIMIT_PER_ADDRESS})`,
      );
    }
    return problems;
  },
  build: (raw): IdentityConfig => ({
    admin: { email: (raw.ADMIN_EMAIL ?? 'admin@example.com').toLowerCase(), password: raw.ADMIN_PASSWORD },
    limits: {
      login: {
        perAccountAndAddress: raw.LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS,
        perAddress: raw.LOGIN_LIMIT_PER_ADDRESS,
        windowSeconds: raw.LOGIN_LIMIT_WINDOW_SECONDS,
        slowdownAfter: raw.LOGIN_SLOWDOWN_AFTER,
        slowdownWindowSeconds: raw.LOGIN_SLOWDOWN_WINDOW_SECONDS,
        maxSlowdownSeconds: raw.LOGIN_SLOWDOWN_MAX_SECONDS,
      },
      registration: { perAddress: raw.REGISTRATION_LIMIT_PER_ADDRESS, windowSeconds: raw.REGISTRATION_LIMIT_WINDOW_SECONDS },
    },
  }),
});
