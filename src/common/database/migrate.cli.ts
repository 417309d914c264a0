import { resolve } from 'node:path';
import { migrate } from './migrator.js';

// `npm run database:migrate`: apply prisma/migrations to $DATABASE_URL and exit.
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set');
    process.exit(2);
  }
  const result = await migrate(url, resolve('prisma/migrations'));
  console.error(JSON.stringify(result));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
