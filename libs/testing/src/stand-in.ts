/**
 * A framework class (a DataSource, a RemoteServices) stood in for by an object with just the members
 * the code under test uses.
 */
export const standIn = <T>(fake: object): T => fake as unknown as T;
