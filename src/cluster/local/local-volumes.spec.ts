import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workloadSpec } from '../testing/workload-spec.js';
import { localJobClaims, localVolumes } from './local-volumes.js';

const jobId = '6f1c2f8e-6a53-4a5e-9a1c-0d6f3b1e2a7c';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("a job's own claim on the local driver", () => {
  it('is <home>/volumes/bl-<job>-v-<volume>, made once: a later attempt finds it and reports nothing made', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bl-claims-'));
    dirs.push(home);
    const spec = workloadSpec({ jobId, volumes: [{ name: 'out', mountPath: '/out', readOnly: false, newClaim: { sizeMiB: 1024, accessMode: 'ReadWriteOnce', retain: false } }] });
    const made: string[] = [];
    const env = await localVolumes(spec, home, join(home, 'jobs', jobId, 'a0'), undefined, made);
    const path = join(home, 'volumes', `bl-${jobId}-v-out`);
    expect(env).toEqual({ BEAMLINE_VOLUME_OUT: path });
    expect(made).toEqual([path]);
    expect(statSync(path).mode & 0o777).toBe(0o700);
    const again: string[] = [];
    await localVolumes({ ...spec, attempt: 2 }, home, join(home, 'jobs', jobId, 'a2'), undefined, again);
    expect(again).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });

  it('lists only names a job claim can have, with the job id', () => {
    expect(localJobClaims([`bl-${jobId}-v-out`, 'shared', `bl-${jobId}-ckpt`, 'bl-not-a-uuid-v-out', `bl-${jobId}-v-Bad`])).toEqual([{ jobId, claim: `bl-${jobId}-v-out` }]);
  });
});
