// A database handle whose statements a test sees or decides: every statement recorded (text and
// parameters) on its way to the real handle, or `query` replaced (a fault, always or now and then).
import type { Db } from '../../src/db/client.ts';

/** db with its query replaced; everything else is db's own. */
export function withQuery(db: Db, query: (text: string, params: unknown[]) => Promise<unknown>): Db {
  const spy = Object.create(db) as Db;
  spy.query = ((text: string, params?: unknown[]) => query(text, params ?? [])) as Db['query'];
  return spy;
}

/** db with every statement sent through it recorded, in order. */
export function recording(db: Db): { db: Db; statements: string[]; params: unknown[][] } {
  const statements: string[] = [];
  const params: unknown[][] = [];
  const spy = withQuery(db, (text, values) => {
    statements.push(text);
    params.push(values);
    return db.query(text, values);
  });
  return { db: spy, statements, params };
}
