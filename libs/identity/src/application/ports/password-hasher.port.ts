/** One-way password hashing. The stored form names its own algorithm and parameters. */
export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  /** False (never an error) for a wrong password or a stored hash it cannot read. */
  verify(plain: string, stored: string): Promise<boolean>;
}
