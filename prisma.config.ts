import { defineConfig } from 'prisma/config';

// DATABASE_URL is optional here: `prisma generate` needs none, and Beamline's own
// runner (src/common/database/migrator.ts) applies the migrations at start.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/beamline' },
});
