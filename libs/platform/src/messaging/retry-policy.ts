/**
 * What happens to a message whose delivery failed, whichever transport carries it: it is tried again
 * after each of these waits, then set aside as dead with its last error (a dead-letter queue over
 * RabbitMQ, `dead_at` on the outbox row in-process). Five attempts over about 21 s ride out a
 * restart or a lock held a while, and stop a poison message before it costs more.
 */
export const RETRY_DELAYS_MS: readonly number[] = [250, 1000, 4000, 16000];

/** Attempts in all: the first, then one after each wait. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** The wait before the attempt after `attempts` failed ones; undefined when none is left. */
export const retryDelayMs = (attempts: number, delays: readonly number[] = RETRY_DELAYS_MS): number | undefined => delays[attempts - 1];
