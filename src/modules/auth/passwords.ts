// bcrypt, cost 10 (the seed's $2a$10$ hashes verify as they are).
import bcrypt from 'bcryptjs';

const COST = 10;
// Compared against when the email is unknown, so a wrong email costs the same time as a wrong
// password and timing does not reveal which accounts exist.
const DUMMY_HASH = bcrypt.hashSync('no account has this password', COST);

export const hashPassword = (plain: string) => bcrypt.hash(plain, COST);

export async function verifyPassword(plain: string, hash: string | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(plain, hash ?? DUMMY_HASH);
  return ok && hash !== undefined;
}
