import { cp, mkdtemp, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/common/database/migrator.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { expectedPgType, parsePrismaSchema } from '../helpers/prisma-schema.js';
import { freshDatabase } from '../helpers/test-app.js';

const schema = parsePrismaSchema(resolve('prisma/schema.prisma'));
let url: string;
let pg: Client;

beforeAll(async () => {
  url = await freshDatabase();
  await migrate(url, resolve('prisma/migrations'));
  pg = new Client({ connectionString: url });
  await pg.connect();
});
afterAll(() => pg.end());

describe('migrations and schema.prisma agree', () => {
  it('records migrations the way prisma migrate does, and a second run applies nothing', async () => {
    const rows = await pg.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations');
    expect(rows.rowCount).toBeGreaterThan(0);
    for (const row of rows.rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).not.toBeNull();
    }
    const again = await migrate(url, resolve('prisma/migrations'));
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toHaveLength(rows.rowCount!);
  });

  it('has exactly the tables of the schema (plus _prisma_migrations)', async () => {
    const tables = await pg.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    const expected = [...schema.models.map((m) => m.table), '_prisma_migrations'].sort();
    expect(tables.rows.map((r) => r.table_name).sort()).toEqual(expected);
  });

  it.each(schema.models.map((m) => [m.name, m] as const))('%s: columns, types and nullability match', async (_name, model) => {
    const cols = await pg.query(
      `SELECT column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
      [model.table],
    );
    const actual = Object.fromEntries(cols.rows.map((c) => [c.column_name, c]));
    const scalars = model.fields.filter((f) => !f.relation);
    expect(Object.keys(actual).sort()).toEqual(scalars.map((f) => f.column).sort());
    for (const field of scalars) {
      const column = actual[field.column];
      const want = expectedPgType(field, schema.enums);
      expect({ column: field.column, type: column.data_type, udt: column.udt_name }).toEqual({
        column: field.column,
        type: want.dataType,
        udt: want.udt,
      });
      // Prisma creates scalar lists as nullable columns; everything else follows `?`.
      const nullable = field.optional || field.list;
      expect({ column: field.column, nullable: column.is_nullable === 'YES' }).toEqual({ column: field.column, nullable });
    }
  });

  it.each(schema.models.map((m) => [m.name, m] as const))('%s: unique constraints and indexes exist', async (_name, model) => {
    const idx = await pg.query(
      `SELECT i.indisunique AS unique, array_agg(a.attname::text ORDER BY k.ord) AS cols
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE t.relname = $1
        GROUP BY i.indexrelid, i.indisunique`,
      [model.table],
    );
    const have = idx.rows.map((r) => ({ unique: r.unique as boolean, cols: (r.cols as string[]).join(',') }));
    for (const cols of model.uniques) expect(have).toContainEqual({ unique: true, cols: cols.join(',') });
    for (const cols of model.indexes) expect(have.map((h) => h.cols)).toContain(cols.join(','));
    const id = model.compositeId ?? model.fields.filter((f) => f.id).map((f) => f.column);
    expect(have).toContainEqual({ unique: true, cols: id.join(',') });
  });

  it('has the enums of the schema with the same values', async () => {
    for (const [name, values] of schema.enums) {
      const rows = await pg.query(
        `SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY e.enumsortorder`,
        [name],
      );
      expect(rows.rows.map((r) => r.enumlabel)).toEqual(values);
    }
  });

  it('round-trips every model and field through the generated client', async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    try {
      const project = await prisma.project.create({ data: { name: 'roundtrip', description: 'd' } });
      const token = await prisma.apiToken.create({
        data: { name: 't', tokenHash: 'h'.repeat(64), prefix: 'bl_x', role: 'VIEWER', lastUsedAt: new Date(), revokedAt: null },
      });
      await prisma.apiTokenProject.create({ data: { tokenId: token.id, projectId: project.id } });
      const job = await prisma.trainingJob.create({
        data: {
          projectId: project.id,
          name: 'n',
          image: 'i',
          command: ['a', 'b'],
          args: ['c'],
          env: { K: 'V' },
          workingDir: '/w',
          resources: { cpuMilli: 1000, memoryMiB: 1024, gpu: { milli: 500 } },
          workers: 4,
          priority: -3,
          queue: 'q',
          maxRetries: 2,
          attempt: 1,
          timeoutSeconds: 60,
          outputModel: 'm',
          status: 'Running',
          statusReason: 'r',
          idempotencyKey: 'k',
          requestHash: 'rh',
          createdByToken: token.id,
          startedAt: new Date(),
          finishedAt: new Date(),
        },
      });
      const event = await prisma.trainingJobEvent.create({
        data: { jobId: job.id, fromStatus: 'Queued', toStatus: 'Running', reason: 'x', message: 'y' },
      });
      const read = await prisma.trainingJob.findUniqueOrThrow({ where: { id: job.id }, include: { events: true, project: { include: { tokens: true } } } });
      expect(read).toMatchObject({ command: ['a', 'b'], env: { K: 'V' }, priority: -3, status: 'Running', timeoutSeconds: 60 });
      expect(read.events[0].id).toBe(event.id);
      expect(typeof event.id).toBe('bigint');
      expect(read.project.tokens).toHaveLength(1);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('refuses to start when an applied migration was edited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await cp(resolve('prisma/migrations'), dir, { recursive: true });
    const db = await freshDatabase();
    await migrate(db, dir);
    const [first] = (await import('node:fs')).readdirSync(dir).filter((n) => /^\d{14}_/.test(n)).sort();
    await appendFile(join(dir, first, 'migration.sql'), '\n-- edited\n');
    await expect(migrate(db, dir)).rejects.toThrow(new RegExp(`${first} was edited`));
    // A new migration folder is applied on the next start.
    await (await import('node:fs/promises')).mkdir(join(dir, '29991231000000_add_note'));
    await writeFile(join(dir, '29991231000000_add_note', 'migration.sql'), 'CREATE TABLE note (id int);');
    const fresh = await freshDatabase();
    expect((await migrate(fresh, dir)).applied).toContain('29991231000000_add_note');
  });
});
