/** The roles an access token may carry; every context authorizes against these names, written once here. */
export const Role = {
  Customer: 'customer',
  Admin: 'admin',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES: readonly Role[] = Object.values(Role);
