import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/common/database/prisma.service.js';
import { ProjectsService } from '../../src/projects/projects.service.js';
import { closeApp, migratedDatabase, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The first start of a fresh install: two api replicas (here two apps on one database)
 * boot at the same moment. Exactly one platform admin token may come out of it, and an
 * installer's BEAMLINE_ADMIN_TOKEN is created once, works, and stays revoked once revoked.
 */
describe('first-start bootstrap with several replicas', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await closeApp(app);
  });

  async function pair(env: Record<string, string>): Promise<[TestApp, TestApp]> {
    const databaseUrl = await migratedDatabase();
    const both = await Promise.all([0, 1].map(() => startTestApp({ role: 'api', databaseUrl, env: { BEAMLINE_BOOTSTRAP: 'auto', ...env } })));
    apps.push(...both);
    return both as [TestApp, TestApp];
  }
  const admins = (app: TestApp) => app.app.get(PrismaService).apiToken.findMany({ where: { platformAdmin: true }, select: { name: true, revokedAt: true } });

  it('creates one random admin token however many replicas start at once', async () => {
    const [a, b] = await pair({});
    const printed = await Promise.all([a.app.get(ProjectsService).bootstrap(), b.app.get(ProjectsService).bootstrap()]);
    expect(printed.filter(Boolean)).toHaveLength(1);
    expect(await admins(a)).toHaveLength(1);
  });

  describe('with BEAMLINE_ADMIN_TOKEN', () => {
    const token = `bl_${randomBytes(32).toString('base64url')}`;
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      [a, b] = await pair({ BEAMLINE_ADMIN_TOKEN: token });
    });

    it('creates it once, prints nothing, and the token is a platform admin', async () => {
      const printed = await Promise.all([a.app.get(ProjectsService).bootstrap(), b.app.get(ProjectsService).bootstrap()]);
      expect(printed).toEqual([undefined, undefined]);
      expect(await admins(a)).toEqual([{ name: 'install-admin', revokedAt: null }]);
      const whoami = await fetch(`${b.url}/v1/auth/whoami`, { headers: { authorization: `Bearer ${token}` } });
      expect(whoami.status).toBe(200);
      expect(await whoami.json()).toMatchObject({ platformAdmin: true });
    });

    it('does not bring a revoked one back at the next start', async () => {
      await a.app.get(PrismaService).apiToken.updateMany({ where: { name: 'install-admin' }, data: { revokedAt: new Date() } });
      await a.app.get(ProjectsService).bootstrap();
      const rows = await admins(a);
      expect(rows).toHaveLength(1);
      expect(rows[0].revokedAt).not.toBeNull();
      expect((await fetch(`${a.url}/v1/auth/whoami`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    });
  });
});
