import { useEffect, useState } from 'preact/hooks';
import { Failure, Loading, useProject, when } from '../components';
import { usePoll } from '../poll';
import { enc, href, navigate } from '../router';
import { AllocationHistory, DEFAULT_RANGE, RANGES } from './allocation';

type Holder =
  | { kind: 'job'; id: string; name: string; project: string; worker: number; gpuMilli?: number; migProfile?: string }
  | { kind: 'hidden'; gpuMilli?: number; migProfile?: string }
  | { kind: 'foreign'; owner: string; gpuMilli?: number; migProfile?: string };
interface Gpu {
  index: number;
  product: string;
  memoryMiB: number;
  mig?: Record<string, number>;
  migUsed?: Record<string, number>;
  sharing?: { mode: string; replicas: number };
  usedMilli: number;
  holders: Holder[];
}
interface Nodes {
  at: string;
  items: { name: string; labels: Record<string, string>; cpuMilli: number; memoryMiB: number; gpus: Gpu[] }[];
}

/** How many samples the allocation chart keeps: 10 minutes at one poll every 2 s. */
const KEEP = 300;

const share = (h: { gpuMilli?: number; migProfile?: string }) => (h.migProfile ? ` (${h.migProfile} slice)` : h.gpuMilli !== undefined ? ` (${h.gpuMilli / 10}%)` : '');

function HolderText({ h }: { h: Holder }) {
  if (h.kind === 'job') return <a {...href(`/p/${enc(h.project)}/jobs/${h.id}`)}>{`${h.project}/${h.name}`}{h.worker ? ` #${h.worker}` : ''}{share(h)}</a>;
  if (h.kind === 'foreign') return <span>{`${h.owner} (not Beamline's)${share(h)}`}</span>;
  return <span>{`a job of another project${share(h)}`}</span>;
}

/** One GPU: its fill is the milli held; a MIG device shows one box per slice instead. */
function GpuCell({ gpu }: { gpu: Gpu }) {
  const slices = Object.entries(gpu.mig ?? {});
  const free = gpu.mig ? slices.every(([p]) => !gpu.migUsed?.[p]) : gpu.usedMilli === 0;
  return (
    <li class={`gpu ${free ? 'gpu-free' : 'gpu-used'}`} data-gpu={gpu.index} aria-label={`GPU ${gpu.index}, ${gpu.product}, ${free ? 'free' : 'in use'}`}>
      <div class="gpu-head">
        <strong>GPU {gpu.index}</strong> <span>{gpu.product}</span> <span class="hint">{Math.round(gpu.memoryMiB / 1024)} GiB</span>
      </div>
      {gpu.mig ? (
        <div class="mig">
          {slices.map(([profile, count]) => (
            <div key={profile} class="mig-row">
              <span class="hint">{profile}: {gpu.migUsed?.[profile] ?? 0} of {count} used</span>
              <span class="slices">
                {Array.from({ length: count }, (_, i) => <span key={i} class={i < (gpu.migUsed?.[profile] ?? 0) ? 'slice slice-used' : 'slice'} />)}
              </span>
            </div>
          ))}
        </div>
      ) : (
        <>
          <span class="bar gpu-bar"><span class="bar-own" style={{ width: `${gpu.usedMilli / 10}%` }} /></span>
          <span class="hint">{gpu.usedMilli ? `${gpu.usedMilli / 10}% held` : 'free'}{gpu.sharing && gpu.sharing.mode !== 'none' ? ` · ${gpu.sharing.mode} ×${gpu.sharing.replicas}` : ''}</span>
        </>
      )}
      <ul class="holders">
        {gpu.holders.map((h, i) => <li key={i}><HolderText h={h} /></li>)}
      </ul>
    </li>
  );
}

/** GPUs held in the last minutes as this page sampled them (a line of fractions of all devices). */
function AllocationChart({ samples }: { samples: { t: number; used: number; total: number }[] }) {
  if (samples.length < 2) return <p class="hint">Collecting samples…</p>;
  const w = 600;
  const h = 80;
  const t0 = samples[0].t;
  const span = Math.max(1, samples[samples.length - 1].t - t0);
  const points = samples.map((s) => `${((s.t - t0) / span) * w},${h - (s.total ? (s.used / s.total) * h : 0)}`).join(' ');
  const last = samples[samples.length - 1];
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" height={h} role="img" aria-label={`GPUs held: ${last.used} of ${last.total} now`}>
        <rect x="0" y="0" width={w} height={h} class="chart-bg" />
        <polyline points={points} class="chart-line" />
      </svg>
      <figcaption class="hint">
        Live: GPUs held (whole-device equivalents) {last.used} of {last.total} now; sampled by this page every 2 s since it was opened ({Math.round(span / 1000)} s).
      </figcaption>
    </figure>
  );
}

/**
 * The cluster's nodes with one cell per GPU and who holds it; the stored allocation history
 * over a range picked in the URL (?range=), and a live line sampled while the page is open.
 */
export function ClusterPage({ query }: { query: URLSearchParams }) {
  const { project } = useProject();
  const range = RANGES[query.get('range') ?? ''] ? query.get('range')! : DEFAULT_RANGE;
  const onRange = (r: string) => {
    const next = new URLSearchParams(query);
    if (r === DEFAULT_RANGE) next.delete('range');
    else next.set('range', r);
    const qs = next.toString();
    navigate(`/p/${enc(project)}/cluster${qs ? `?${qs}` : ''}`, true);
  };
  const { data, error } = usePoll<Nodes>('/v1/cluster/nodes');
  const [samples, setSamples] = useState<{ t: number; used: number; total: number }[]>([]);
  useEffect(() => {
    if (!data) return;
    const gpus = data.items.flatMap((n) => n.gpus);
    const used = gpus.reduce((sum, g) => sum + (g.mig ? (Object.values(g.migUsed ?? {}).some((n) => n > 0) ? 1 : 0) : g.usedMilli / 1000), 0);
    setSamples((s) => [...s, { t: Date.now(), used: Math.round(used * 100) / 100, total: gpus.length }].slice(-KEEP));
  }, [data]);

  return (
    <section aria-labelledby="cluster-title">
      <h1 id="cluster-title">Cluster</h1>
      {error && <Failure error={error} what="The node list" />}
      {!data && !error && <Loading />}
      {data && (
        <>
          <p class="hint">As the controller last published it: {when(data.at)}.</p>
          <AllocationHistory range={range} onRange={onRange} capacity={data.items.reduce((n, node) => n + node.gpus.length, 0)} />
          <AllocationChart samples={samples} />
          {data.items.map((node) => (
            <section key={node.name} class="node" aria-label={`Node ${node.name}`}>
              <h2>{node.name}</h2>
              <p class="hint">
                {node.cpuMilli / 1000} CPUs, {Math.round(node.memoryMiB / 1024)} GiB memory
                {Object.entries(node.labels).map(([k, v]) => ` · ${k}=${v}`).join('')}
              </p>
              {node.gpus.length === 0 ? <p>No GPUs.</p> : <ul class="gpus">{node.gpus.map((g) => <GpuCell key={g.index} gpu={g} />)}</ul>}
            </section>
          ))}
        </>
      )}
    </section>
  );
}
