// npm run bench:pending-reasons -- [--jobs 5000] [--rounds 3]
//
// What writing the pending reasons of a cycle costs (issue 14): every waiting job's reason
// changes at once when it quotes a queue's usage ("uses 16/16 ..."), as in bench:queues.
// SchedulingRepository.setPendingReasons (one UPDATE ... FROM unnest) against the baseline it
// replaced (one updateMany per job inside one transaction), on the same rows of a real
// embedded PostgreSQL. Rounds alternate the two so the machine's drifting load hits both.
// See docs/benchmarks.md, "Queues at Kueue's scale".
import { mkdtemp, rm } from 'node:fs/promises';
import { register } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

register('./decorator-metadata.mjs', import.meta.url);
const { migrate } = await import('../../src/common/database/migrator.js');
const { PrismaService } = await import('../../src/common/database/prisma.service.js');
const { startEmbeddedPostgres } = await import('../../src/common/embedded/embedded-postgres.js');
const { SchedulingRepository } = await import('../../src/training/scheduling/scheduling.repository.js');
type Prisma = InstanceType<typeof PrismaService>;
type WaitingState = { pendingReason: string | null; unschedulableSince: Date | null };

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '3' } } });
const JOBS = Number(values.jobs);
const ROUNDS = Number(values.rounds);
const log = (line: string) => console.error(`[bench] ${line}`);

/** The implementation before issue 14's second round: one statement per changed row. */
async function perRow(prisma: Prisma, reasons: Map<string, string>): Promise<void> {
  await prisma.$transaction([...reasons].map(([id, reason]) => prisma.trainingJob.updateMany({ where: { id, status: 'Queued' }, data: { pendingReason: reason, unschedulableSince: null } })));
}

async function seed(prisma: Prisma): Promise<string[]> {
  const project = await prisma.project.create({ data: { name: 'bench' } });
  const first = await prisma.trainingJob.create({
    data: { projectId: project.id, name: 'j-0', image: 'x', command: ['true'], resources: { cpuMilli: 1000, memoryMiB: 1024 }, status: 'Queued' },
  });
  // Copies of one row with a new id and name: only the columns the writes touch matter here.
  await prisma.$executeRaw`
    INSERT INTO training_jobs
    SELECT (jsonb_populate_record(NULL::training_jobs, to_jsonb(j) || jsonb_build_object('id', gen_random_uuid(), 'name', 'j-' || g))).*
    FROM training_jobs j, generate_series(1, ${JOBS - 1}::int) g WHERE j.id = ${first.id}::uuid`;
  return (await prisma.trainingJob.findMany({ select: { id: true } })).map((r) => r.id);
}

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'beamline-bench-reasons-'));
  const postgres = await startEmbeddedPostgres(home, log);
  const prisma = new PrismaService({ DATABASE_URL: postgres.url } as never);
  try {
    await migrate(postgres.url, resolve('prisma/migrations'));
    await prisma.$connect();
    const ids = await seed(prisma);
    const repo = new SchedulingRepository(prisma);
    const current = new Map<string, WaitingState>();
    let n = 0;
    // Each write changes every reason, as a usage figure in the reason does.
    const next = () => new Map(ids.map((id) => [id, `quota: queue "q" uses ${n}/16 NVIDIA-H100-80GB-HBM3 GPU, the job needs 1 (round ${n})`] as const));
    const variants = {
      'one UPDATE ... FROM unnest (now)': (r: Map<string, string>) => repo.setPendingReasons(r, current, new Set(), new Date()),
      'one updateMany per job in a transaction (before)': (r: Map<string, string>) => perRow(prisma, r),
    };
    const ms: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    const load = loadavg()[0];
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [name, write] of Object.entries(variants)) {
        const reasons = next();
        n++;
        const start = process.hrtime.bigint();
        await write(reasons);
        const took = Number(process.hrtime.bigint() - start) / 1e6;
        if (round > 0) ms[name].push(took); // round 0 warms the connections and plans
        const sample = await prisma.trainingJob.findUnique({ where: { id: ids[ids.length - 1] }, select: { pendingReason: true } });
        if (sample?.pendingReason !== reasons.get(ids[ids.length - 1])) throw new Error(`${name} did not write the reason`);
        log(`round ${round}: ${name} ${took.toFixed(0)} ms`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`\n${JOBS} waiting jobs, every reason changed; ${ROUNDS} rounds each; ${cpus().length} CPUs, load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}\n`);
    console.log('| write | median ms | all rounds ms |');
    console.log('|---|---:|---|');
    for (const [name, xs] of Object.entries(ms)) console.log(`| ${name} | ${median(xs).toFixed(0)} | ${xs.map((x) => x.toFixed(0)).join(', ')} |`);
  } finally {
    await prisma.$disconnect();
    await postgres.stop();
    await rm(home, { recursive: true, force: true });
  }
}

await main();
