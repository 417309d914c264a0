import { spawnSync } from 'node:child_process';
import type { GpuDeviceSpec } from '../../gpu-scheduler/engine/model.js';

/**
 * This machine's GPUs from `nvidia-smi` (none when it is absent, so CPU-only jobs still
 * run). Products are written the way GPU Feature Discovery labels them: spaces → dashes.
 */
export function localGpus(run = runNvidiaSmi): GpuDeviceSpec[] {
  const out = run();
  if (!out) return [];
  const gpus: GpuDeviceSpec[] = [];
  for (const line of out.split('\n')) {
    const [index, name, memory] = line.split(',').map((s) => s.trim());
    if (!index || !name || !/^\d+$/.test(index)) continue;
    gpus.push({ index: Number(index), product: name.replace(/\s+/g, '-'), memoryMiB: Number.parseInt(memory, 10) || 0 });
  }
  return gpus;
}

function runNvidiaSmi(): string | undefined {
  const result = spawnSync('nvidia-smi', ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.status === 0 ? result.stdout : undefined;
}
