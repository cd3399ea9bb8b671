import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults (OWASP's minimum: 19 MiB, 2 passes, 1 lane). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified when the email is unknown, so a wrong email costs the same time as a wrong password.
const decoyHash = '$argon2id$v=19$m=19456,t=2,p=1$NrTdWRPigOdgBMjMwQvT1g$MxRcZnf8aJgrrtcloPrVUX8kBJ5f/FTq18l1tRiERX8';

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  const matches = await verify(passwordHash ?? decoyHash, password).catch(() => false);
  return passwordHash !== undefined && matches;
}
