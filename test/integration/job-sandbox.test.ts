import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { JOB_PATH } from '../../src/cluster/local/job-sandbox.js';
import { linearModel } from '../helpers/onnx.js';
import { client, eventually, seedToken, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 22: a MEMBER's job on the local driver must not reach the platform's secrets. The
 * job below tries, and prints what it got; the platform here runs as root (as in CI and
 * the quick start), so each of these reads succeeded before jobs ran as `beamline-job`.
 */
let t: TestApp;
let api: ReturnType<typeof client>;
let home: string;
let pgData: string;
const base = '/v1/projects/default/training-jobs';
const ADMIN_TOKEN = 'bl_admin_canary_not_for_jobs';

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'beamline-sandbox-'));
  // What a real home holds: the admin token (0600, as ProjectsService writes it) and an artifact.
  await writeFile(join(home, 'admin-token'), `${ADMIN_TOKEN}\n`, { mode: 0o600 });
  await mkdir(join(home, 'artifacts', 'ab'), { recursive: true, mode: 0o755 });
  await writeFile(join(home, 'artifacts', 'ab', 'blob'), 'model bytes', { mode: 0o644 });
  // The test run's real PostgreSQL data directory (embedded, owned by the postgres user).
  const pg = new Client({ connectionString: inject('postgresUrl') });
  await pg.connect();
  pgData = (await pg.query<{ data_directory: string }>('SHOW data_directory')).rows[0].data_directory;
  await pg.end();
  t = await startTestApp({ home, env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200' } });
  api = client(t.url, await seedToken(t.app, 'MEMBER', ['default']));
});
afterAll(async () => {
  await t?.close();
  await rm(home, { recursive: true, force: true });
});

/** Each probe prints `name=result`, the result being what it read or the error code. */
const probe = `
const fs = require('node:fs');
const { dirname, join } = require('node:path');
const home = process.env.PROBE_HOME, attemptDir = dirname(process.env.BEAMLINE_OUTPUT_DIR);
const attempt = (name, f) => { let r; try { r = String(f()).slice(0, 1000).replace(/\\n/g, ' '); } catch (e) { r = 'denied:' + e.code; } console.log(name + '=' + r); };
attempt('uid', () => process.getuid());
attempt('cwd', () => process.cwd());
attempt('envKeys', () => Object.keys(process.env).sort().join(','));
attempt('path', () => process.env.PATH);
attempt('home', () => process.env.HOME);
attempt('hasToken', () => String((process.env.BEAMLINE_TOKEN || '').length > 0));
attempt('adminToken', () => fs.readFileSync(join(home, 'admin-token'), 'utf8'));
attempt('listHome', () => fs.readdirSync(home).join(','));
attempt('artifact', () => fs.readFileSync(join(home, 'artifacts', 'ab', 'blob'), 'utf8'));
attempt('pgData', () => fs.readdirSync(process.env.PROBE_PGDATA).length);
attempt('pgVersion', () => fs.readFileSync(join(process.env.PROBE_PGDATA, 'PG_VERSION'), 'utf8'));
attempt('specJson', () => fs.readFileSync(join(attemptDir, 'spec.json'), 'utf8'));
attempt('writeHome', () => { fs.writeFileSync(join(home, 'pwned'), 'x'); return 'written'; });
attempt('writeAttemptDir', () => { fs.writeFileSync(join(attemptDir, 'worker-0.exit'), '{"code":0}'); return 'written'; });
attempt('writeOwnDir', () => { fs.writeFileSync('here.txt', 'x'); fs.writeFileSync('../up.txt', 'x'); return 'written'; });
attempt('writeOutput', () => { fs.writeFileSync(join(process.env.BEAMLINE_OUTPUT_DIR, 'model.onnx'), 'x'); return 'written'; });
// The platform's database and queue listen on loopback: a job must not get in with the
// password older versions published, nor talk to Redis without one.
const net = require('node:net');
const talk = (port, first, onData) => new Promise((done) => {
  const s = net.connect(Number(port), '127.0.0.1', () => s.write(first));
  s.on('data', (d) => { const r = onData(d, s); if (r) { done(r); s.destroy(); } });
  s.on('error', (e) => done('error:' + e.code));
  setTimeout(() => { done('timeout'); s.destroy(); }, 5000);
});
const startup = () => { const p = Buffer.from('user\\0beamline\\0database\\0postgres\\0\\0'); const h = Buffer.alloc(8); h.writeInt32BE(8 + p.length); h.writeInt32BE(196608, 4); return Buffer.concat([h, p]); };
const pgLogin = (password) => talk(process.env.PROBE_PG_PORT, startup(), (d, s) => {
  if (d[0] === 82 && d.readInt32BE(5) === 3) { const pw = Buffer.from(password + '\\0'); const h = Buffer.alloc(5); h.write('p'); h.writeInt32BE(4 + pw.length, 1); s.write(Buffer.concat([h, pw])); return undefined; }
  return d[0] === 82 && d.readInt32BE(5) === 0 ? 'loggedIn' : d[0] === 69 ? 'refused' : 'other:' + d[0];
});
(async () => {
  console.log('pgLegacyPassword=' + (await pgLogin('beamline-embedded')));
  console.log('redisPing=' + (await talk(process.env.PROBE_REDIS_PORT, 'PING\\r\\n', (d) => d.toString().trim().split(' ')[0])));
})();
`;

function results(logs: string): Record<string, string> {
  return Object.fromEntries(logs.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('a local job cannot reach the platform (issue 22)', () => {
  it('runs unprivileged with a scrubbed env, and cannot read the home, the database or its token file', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'platform-canary'; // the platform's own env must not travel
    const submitted = await api.post(base, {
      name: 'probe',
      image: 'unused-by-local-driver',
      command: ['node', '-e', probe], // bare: resolved on the platform's PATH, not the job's
      workingDir: 'inside/here', // nested: each level must be the job's
      env: { PROBE_HOME: home, PROBE_PGDATA: pgData, PROBE_PG_PORT: new URL(inject('postgresUrl')).port, PROBE_REDIS_PORT: new URL(inject('redisUrl')).port },
      resources: { cpu: '100m', memory: '64Mi' },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const job = await eventually(async () => {
      const res = await api.get(`${base}/${submitted.body.id}`);
      return ['Succeeded', 'Failed'].includes(res.body.status) ? res.body : undefined;
    }, 30_000, 'the probe to finish');
    const logs = (await api.get(`${base}/${job.id}/logs`)).text;
    expect(job.status, logs).toBe('Succeeded');
    const r = results(logs);
    const attemptDir = join(home, 'jobs', job.id, `a${job.attempt}`);

    expect(Number(r.uid)).toBeGreaterThan(0);
    expect(r.cwd).toBe(join(attemptDir, 'work', 'inside', 'here'));
    expect(r.path).toBe(JOB_PATH);
    expect(r.home).toBe(r.cwd);
    expect(r.hasToken).toBe('true');
    expect(r.envKeys).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(r.envKeys.split(',').filter((k) => !/^(BEAMLINE_|PROBE_)/.test(k))).toEqual(['HOME', 'LANG', 'MASTER_ADDR', 'MASTER_PORT', 'PATH', 'RANK', 'WORLD_SIZE']);
    expect(r.adminToken).toBe('denied:EACCES');
    expect(logs).not.toContain(ADMIN_TOKEN);
    expect(r.listHome).toBe('denied:EACCES');
    expect(r.artifact).toBe('denied:EACCES');
    expect(r.pgData).toBe('denied:EACCES');
    expect(r.pgVersion).toBe('denied:EACCES');
    expect(r.specJson).toBe('denied:EACCES');
    expect(r.writeHome).toBe('denied:EACCES');
    expect(r.writeAttemptDir).toBe('denied:EACCES');
    expect(r.writeOwnDir).toBe('written');
    expect(r.writeOutput).toBe('written');
    expect(r.pgLegacyPassword).toBe('refused');
    expect(r.redisPing).toBe('-NOAUTH');

    // The token travels only in the process env: the file kept for restarts has none, and only root reads it.
    const spec = JSON.parse(await readFile(join(attemptDir, 'spec.json'), 'utf8'));
    expect(spec.secretEnv).toBeUndefined();
    expect(Object.keys(spec.env)).not.toContain('BEAMLINE_TOKEN');
    expect((await stat(join(attemptDir, 'spec.json'))).mode & 0o077).toBe(0);
    expect((await stat(home)).mode & 0o777).toBe(0o711);
    delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  it("cannot register a file it may not read (a link in its output) as its model", async () => {
    // A model only root may read, as another project's artifact would be.
    const secret = join(home, 'secret-model.onnx');
    await writeFile(secret, linearModel([[1]], [0]), { mode: 0o600 });
    const link = `require('node:fs').symlinkSync(process.env.PROBE_SECRET, require('node:path').join(process.env.BEAMLINE_OUTPUT_DIR, 'model.onnx'))`;
    const submitted = await api.post(base, {
      name: 'steal',
      image: 'unused-by-local-driver',
      command: ['node', '-e', link],
      env: { PROBE_SECRET: secret },
      outputModel: 'stolen',
      resources: { cpu: '100m', memory: '64Mi' },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const job = await eventually(async () => {
      const res = await api.get(`${base}/${submitted.body.id}`);
      return ['Succeeded', 'Failed'].includes(res.body.status) ? res.body : undefined;
    }, 30_000, 'the job to finish');
    const events = (await api.get(`${base}/${job.id}/events`)).body.items as Array<{ to: string; message: string }>;
    expect(events.find((e) => e.to === 'Succeeded')?.message).toContain('it is a symbolic link');
    const versions = await api.get('/v1/projects/default/models/stolen/versions');
    expect(versions.status === 404 || versions.body.items.length === 0, versions.text).toBe(true);
  });

  it.each(['/', '/etc', '../../x', 'a/../../x'])('refuses workingDir %s with a 400 naming workingDir', async (workingDir) => {
    const res = await api.post(base, { name: 'escape', image: 'x', command: ['true'], workingDir, resources: { cpu: '100m', memory: '64Mi' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['workingDir']);
  });
});
