import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/common/database/migrator.js';
import { freshDatabase } from '../helpers/test-app.js';

// An upgrade from the release before issue 22: its tokens keep what they could do,
// except that a project's ADMIN token stops being a global admin (the finding).
describe('the security migration upgrades existing tokens', () => {
  it('global ADMIN → platform admin; project ADMIN → that project only; job:… names → JOB tokens', async () => {
    const all = resolve('prisma/migrations');
    const before = await mkdtemp(join(tmpdir(), 'migrations-'));
    for (const name of await readdir(all)) {
      if (name < '20261202090000' || name === 'migration_lock.toml') await cp(join(all, name), join(before, name), { recursive: true });
    }
    const url = await freshDatabase();
    await migrate(url, before);
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const project = (await db.query(`INSERT INTO projects (id, name) VALUES (gen_random_uuid(), 'alpha') RETURNING id`)).rows[0].id as string;
      const job = (await db.query(
        `INSERT INTO training_jobs (id, project_id, name, image, command, args, resources) VALUES (gen_random_uuid(), $1, 'j', 'i', '{}', '{}', '{}') RETURNING id`,
        [project],
      )).rows[0].id as string;
      const token = async (name: string, role: string, projects: string[]) => {
        const id = (await db.query(`INSERT INTO api_tokens (id, name, token_hash, prefix, role) VALUES (gen_random_uuid(), $1, md5(random()::text), 'bl_', $2) RETURNING id`, [name, role])).rows[0].id as string;
        for (const p of projects) await db.query(`INSERT INTO api_token_projects (token_id, project_id) VALUES ($1, $2)`, [id, p]);
        return id;
      };
      const root = await token('bootstrap-admin', 'ADMIN', []);
      const lead = await token('lead', 'ADMIN', [project]);
      const jobToken = await token(`job:${job}/a2`, 'MEMBER', [project]);

      await migrate(url, all);
      const rows = new Map((await db.query(`SELECT id, platform_admin, kind, job_id, job_attempt, scopes FROM api_tokens`)).rows.map((r) => [r.id, r]));
      expect(rows.get(root)).toMatchObject({ platform_admin: true, kind: 'USER', scopes: ['read', 'write', 'infer'] });
      expect(rows.get(lead)).toMatchObject({ platform_admin: false, kind: 'USER' });
      expect(rows.get(jobToken)).toMatchObject({ platform_admin: false, kind: 'JOB', job_id: job, job_attempt: 2 });
      await db.query(`INSERT INTO audit_events (actor_type, action, resource_type, outcome) VALUES ('system', 'test.append', 'test', 'success')`);
      await expect(db.query(`UPDATE audit_events SET outcome = 'failed'`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await expect(db.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    } finally {
      await db.end();
      await rm(before, { recursive: true, force: true });
    }
  });
});
