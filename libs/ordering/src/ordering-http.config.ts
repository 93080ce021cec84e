import { z } from 'zod';
import { defineConfig } from '@shop/platform';

export interface OrderingHttpConfig {
  /** ISO 4217 code of every amount /api/v2 shows; the shop counts money in cents of this one currency. */
  currency: string;
  /** When /api/v1/orders was deprecated in favour of /api/v2/orders (`Deprecation`), and when it may stop answering (`Sunset`). */
  ordersV1: { deprecatedAt: Date; sunsetAt: Date };
}

/** A currency whose minor unit is a hundredth: amounts are kept in cents, so only these can be shown exactly. */
const hasCents = (code: string): boolean =>
  Intl.supportedValuesOf('currency').includes(code) &&
  new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits === 2;

/** `2027-07-01` (midnight UTC) or `2027-07-01T00:00:00Z` / `...+02:00`: a moment, with its zone when it has a time. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const instant = () =>
  z
    .string()
    .trim()
    .refine((value) => INSTANT.test(value) && !Number.isNaN(Date.parse(value)), {
      message: 'must be an ISO-8601 date (2027-07-01) or date-time with a zone (2027-07-01T00:00:00Z)',
    })
    .transform((value) => new Date(value));

/**
 * The settings of ordering's HTTP routes, read wherever they are served (the monolith, with ordering
 * hosted or retired): how /api/v2 shows money, and the deprecation dates of /api/v1/orders (ADR 0037).
 */
export const orderingHttpConfig = defineConfig({
  name: 'ordering.http',
  variables: {
    ORDERING_CURRENCY: z
      .string()
      .trim()
      .refine(hasCents, { message: 'must be an ISO 4217 currency code whose minor unit is a hundredth (EUR, USD, GBP, ...)' })
      .default('EUR'),
    ORDERS_V1_DEPRECATION: instant().default(new Date('2026-12-02T00:00:00Z')),
    ORDERS_V1_SUNSET: instant().default(new Date('2027-07-01T00:00:00Z')),
  },
  check: (raw) => (raw.ORDERS_V1_SUNSET > raw.ORDERS_V1_DEPRECATION ? [] : ['ORDERS_V1_SUNSET: must be later than ORDERS_V1_DEPRECATION']),
  build: (raw): OrderingHttpConfig => ({
    currency: raw.ORDERING_CURRENCY,
    ordersV1: { deprecatedAt: raw.ORDERS_V1_DEPRECATION, sunsetAt: raw.ORDERS_V1_SUNSET },
  }),
});
