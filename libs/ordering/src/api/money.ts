/** An amount as /api/v2 answers it: a decimal string (a JSON number would be a binary float) and its ISO 4217 currency. */
export interface Money {
  amount: string;
  currency: string;
}

/** 999 cents -> "9.99", 100000 -> "1000.00", 5 -> "0.05": digits moved, never divided, so no float ever holds the amount. */
export function moneyOf(cents: number, currency: string): Money {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error(`Not an amount of cents: ${cents}`);
  const digits = String(cents).padStart(3, '0');
  return { amount: `${digits.slice(0, -2)}.${digits.slice(-2)}`, currency };
}
