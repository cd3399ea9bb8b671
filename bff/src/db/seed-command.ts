// `npm run db:seed`: the demo workspace on any database; running it again changes nothing.
import { loadConfig } from '../config.ts';
import { openDatabase } from './client.ts';
import { describeDemoAccounts, seedDemo } from './seed.ts';

const config = loadConfig();
const database = await openDatabase(config);
try {
  await database.migrate();
  await seedDemo(database.db);
  console.log(describeDemoAccounts());
} finally {
  await database.close();
}
