/** The roles an access token may carry; every context authorizes against these names, written once here. */
export const Role = {
  Customer: 'customer',
  Admin: 'admin',
  /** May choose the side that serves a strangled context's request (X-Strangler-Route), to try the service first. */
  Tester: 'tester',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.values(Role);
