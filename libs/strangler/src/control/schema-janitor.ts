import type { DataSource } from 'typeorm';
import { dropSchema, retiredCopies } from './schema-copy.js';

/** Drops the copies of a context's schema that handoffs renamed and kept in the shared database. */
export class SchemaJanitor {
  constructor(private readonly shared: DataSource) {}

  async dropRetiredCopies(context: string): Promise<string[]> {
    const copies = await retiredCopies(this.shared, context);
    for (const copy of copies) await dropSchema(this.shared, copy);
    return copies;
  }
}
