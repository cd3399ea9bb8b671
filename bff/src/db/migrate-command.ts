// `npm run db:migrate`: applies pending migrations to the database the environment names.
import { loadConfig } from '../config.ts';
import { openDatabase } from './client.ts';

const config = loadConfig();
const database = await openDatabase(config);
try {
  await database.migrate();
  console.log(`Migrations applied (${database.mode === 'embedded' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'}).`);
} finally {
  await database.close();
}
