import { readFile } from 'node:fs/promises';
import { Conflict, type Beamline, type Endpoint, type EndpointSpec, type EndpointUpdate, type InferRequest, type TensorInput } from '../../sdk/ts/src/index.js';
import { int, parse, positional, readSpec, str, timeoutMs, type Parsed } from './args.js';
import { memoryBudgetOf, modelsOf, modelsText } from './model-list.js';
import { fields, table, UsageError, type Output } from './output.js';

export const ENDPOINTS_USAGE = `usage: beamline endpoints <command> [options]

  deploy -f endpoint.yaml | deploy <name> --model m --version v [--replicas n]   [--wait [--timeout s]]
  deploy <name> --models m:v,m:v [--memory-budget 512Mi] [--replicas n]         many models, one replica pool
  list
  status <name>
  revisions <name>
  events <name>
  scale <name> <replicas> [--wait]
  rollback <name> [--revision n] [--wait]
  canary <name> (--version v | --revision n) --percent p [--replicas n] [--min-requests n] [--min-seconds s] [--manual]
  canary <name> --percent p          change the running canary's share
  canary <name> promote|rollback     end the running canary now
  shadow <name> [--model m] (--version v | --revision n) --percent p [--replicas n]
  shadow <name> stop
  delete <name>
  infer <name> [--model m] --input x=[[1,2,3]] [--input ...] [--datatype x=FP64] | -d @request.json

common: --json  --url  --token  --project
`;

const since = (start: number) => `${Math.round((Date.now() - start) / 1000)}s`;

const endpointFields = (e: Endpoint) =>
  fields([
    ['name', e.name],
    ...(e.models
      ? ([['models', modelsText(e.models)], ['memory budget', `${e.memoryBudget} per replica`]] as [string, unknown][])
      : ([['model', `${e.model}:${e.modelVersion}${e.follows ? ` (follows ${e.follows})` : ''}`]] as [string, unknown][])),
    ['phase', e.phase],
    ['ready', e.ready], ['replicas', `${e.observed?.availableReplicas ?? 0}/${e.replicas} available`],
    ['autoscaling', e.autoscaling ? `${e.autoscaling.minReplicas}–${e.autoscaling.maxReplicas} replicas, ${e.autoscaling.targetInFlight} in flight per replica, scale down after ${e.autoscaling.scaleDownDelaySeconds} s` : 'off'],
    ['canary', e.canary ? `revision ${e.canary.revision} (version ${e.canary.modelVersion}), ${e.canary.percent} % on ${e.observed?.canary?.readyReplicas ?? 0}/${e.canary.replicas} ready, ${e.canary.analysis.auto ? `judged after ${e.canary.analysis.minRequests} requests and ${e.canary.analysis.minSeconds} s` : 'manual'}` : 'none'],
    ['shadow', e.shadow ? `${e.shadow.model}:${e.shadow.modelVersion} (revision ${e.shadow.revision}), ${e.shadow.percent} % mirrored on ${e.observed?.shadow?.readyReplicas ?? 0}/${e.shadow.replicas} ready` : 'none'],
    ['revision', `desired ${e.desiredRevision}, good ${e.goodRevision ?? '-'}`], ['reason', e.reason], ['message', e.message],
    ['infer', e.inferUrl],
  ]);

/** --wait: follow the rollout on stderr until it completes (exit 0), fails (6) or times out (6). */
async function settle(sdk: Beamline, p: Parsed, out: Output, endpoint: Endpoint): Promise<void> {
  if (!p.values.wait) return out.result(endpoint, () => endpointFields(endpoint));
  const start = Date.now();
  let last = '';
  const done = await sdk.endpoints.waitRolledOut(endpoint.name, {
    timeoutMs: timeoutMs(p.values.timeout),
    onProgress: (e) => {
      const line = `${e.phase} revision ${e.desiredRevision}: ${e.observed?.availableReplicas ?? 0}/${e.replicas} available${e.message ? ` (${e.message})` : ''}`;
      if (line !== last) out.progress(`[${since(start)}] ${e.name} ${(last = line)}`);
    },
  });
  out.result(done, () => endpointFields(done));
}

/** `x=[[1,2]]` pairs; the value is JSON. */
function namedValues(values: string[], flag: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const pair of values) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} takes name=value, got '${pair}'`);
    const raw = pair.slice(eq + 1);
    try {
      out.set(pair.slice(0, eq), flag === '--datatype' ? raw : JSON.parse(raw));
    } catch {
      throw new UsageError(`${flag} ${pair.slice(0, eq)}: not JSON: ${raw}`);
    }
  }
  return out;
}

async function inferBody(p: Parsed): Promise<{ request?: InferRequest; inputs?: Record<string, TensorInput> }> {
  const data = str(p.values.data);
  if (data !== undefined) {
    let text = data;
    if (data.startsWith('@')) text = await readFile(data.slice(1), 'utf8').catch((e: Error) => { throw new UsageError(`cannot read ${data.slice(1)}: ${e.message}`); });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new UsageError('-d must be JSON (or @file.json)');
    }
    // A full V2 request is sent as is; anything else is the name -> tensor shorthand.
    return Array.isArray((body as InferRequest)?.inputs) ? { request: body as InferRequest } : { inputs: body as Record<string, TensorInput> };
  }
  const inputs = namedValues((p.values.input as string[] | undefined) ?? [], '--input');
  if (inputs.size === 0) throw new UsageError('infer needs --input name=<json> or -d <json|@file>');
  const datatypes = namedValues((p.values.datatype as string[] | undefined) ?? [], '--datatype');
  return {
    inputs: Object.fromEntries([...inputs].map(([name, data]) => [name, { data, datatype: datatypes.get(name) } as TensorInput])),
  };
}

export async function endpoints(argv: string[], out: Output): Promise<void> {
  const [command, ...rest] = argv;
  const waitOptions = { wait: { type: 'boolean' as const }, timeout: { type: 'string' as const } };
  switch (command) {
    case 'deploy': {
      const p = parse(rest, {
        file: { type: 'string', short: 'f' }, model: { type: 'string' }, version: { type: 'string' }, replicas: { type: 'string' },
        models: { type: 'string' }, 'memory-budget': { type: 'string' }, ...waitOptions,
      });
      const spec = await deploySpec(p);
      const sdk = await p.client();
      // deploy is "apply": an endpoint that already exists gets the new version/models/replicas/... as an update.
      const endpoint = await sdk.endpoints.deploy(spec).catch(async (error: unknown) => {
        if (!(error instanceof Conflict) || !error.errors.some((e) => e.field === 'name')) throw error;
        const { name: _name, model: _model, ...changes } = spec as Record<string, unknown>;
        // Autoscaled, the controller owns the count: a PATCH with replicas would be a 400 (docs/endpoints.md).
        if (changes.autoscaling) delete changes.replicas;
        return sdk.endpoints.update(spec.name, changes as EndpointUpdate);
      });
      return settle(sdk, p, out, endpoint);
    }
    case 'list': {
      const p = parse(rest);
      const list = await (await p.client()).endpoints.list().toArray();
      // A multi-model endpoint's MODEL is its list (model:version, as --models takes it), VERSION then '-'.
      return out.result(list, () =>
        table(['NAME', 'MODEL', 'VERSION', 'PHASE', 'READY', 'REPLICAS', 'REVISION'], list.map((e) => [e.name, e.models ? modelsText(e.models, 3) : e.model, e.models ? null : e.modelVersion, e.phase, e.ready, `${e.observed?.availableReplicas ?? 0}/${e.replicas}`, e.desiredRevision])),
      );
    }
    case 'status': {
      const p = parse(rest);
      const endpoint = await (await p.client()).endpoints.get(positional(p, 0, 'name'));
      return out.result(endpoint, () => endpointFields(endpoint));
    }
    case 'revisions': {
      const p = parse(rest);
      const list = await (await p.client()).endpoints.revisions(positional(p, 0, 'name'));
      return out.result(list, () =>
        table(['REVISION', 'VERSION', 'CAUSE', 'STATUS', 'REPLICAS', 'CREATED', 'MESSAGE'], list.map((r) => [r.revision, r.models ? modelsText(r.models, 3) : r.modelVersion, r.cause, r.status, r.replicas, r.createdAt, r.message])),
      );
    }
    case 'events': {
      const p = parse(rest);
      const list = await (await p.client()).endpoints.events(positional(p, 0, 'name'));
      return out.result(list, () => table(['AT', 'REVISION', 'TYPE', 'REASON', 'MESSAGE'], list.map((e) => [e.createdAt, e.revision, e.type, e.reason, e.message])));
    }
    case 'scale': {
      const p = parse(rest, waitOptions);
      const sdk = await p.client();
      const replicas = int(positional(p, 1, 'replicas'), '<replicas>', 1) as number;
      return settle(sdk, p, out, await sdk.endpoints.scale(positional(p, 0, 'name'), replicas));
    }
    case 'rollback': {
      const p = parse(rest, { revision: { type: 'string' }, ...waitOptions });
      const sdk = await p.client();
      return settle(sdk, p, out, await sdk.endpoints.rollback(positional(p, 0, 'name'), int(p.values.revision, '--revision', 1)));
    }
    case 'canary': {
      const p = parse(rest, { version: { type: 'string' }, revision: { type: 'string' }, percent: { type: 'string' }, replicas: { type: 'string' }, 'min-requests': { type: 'string' }, 'min-seconds': { type: 'string' }, manual: { type: 'boolean' } });
      const sdk = await p.client();
      const name = positional(p, 0, 'name');
      const action = p.positionals[1];
      let endpoint: Endpoint;
      if (action === 'promote') endpoint = await sdk.endpoints.promoteCanary(name);
      else if (action === 'rollback') endpoint = await sdk.endpoints.rollbackCanary(name);
      else if (action !== undefined) throw new UsageError(`canary <name> takes promote or rollback, not '${action}'`);
      else {
        const percent = num(p.values.percent, '--percent');
        if (percent === undefined) throw new UsageError('canary needs --percent (or promote|rollback)');
        const analysis = {
          ...(p.values.manual ? { auto: false } : {}),
          ...(p.values['min-requests'] ? { minRequests: int(p.values['min-requests'], '--min-requests', 1) } : {}),
          ...(p.values['min-seconds'] ? { minSeconds: int(p.values['min-seconds'], '--min-seconds', 0) } : {}),
        };
        // Neither --version nor --revision: the running canary's share (and analysis) change.
        endpoint = await sdk.endpoints.canary(name, {
          ...(p.values.version !== undefined || p.values.revision !== undefined ? target(p) : {}),
          percent,
          ...(p.values.replicas ? { replicas: int(p.values.replicas, '--replicas', 1) } : {}),
          ...(Object.keys(analysis).length > 0 ? { analysis } : {}),
        });
      }
      return out.result(endpoint, () => endpointFields(endpoint));
    }
    case 'shadow': {
      const p = parse(rest, { model: { type: 'string' }, version: { type: 'string' }, revision: { type: 'string' }, percent: { type: 'string' }, replicas: { type: 'string' } });
      const sdk = await p.client();
      const name = positional(p, 0, 'name');
      let endpoint: Endpoint;
      if (p.positionals[1] === 'stop') endpoint = await sdk.endpoints.shadow(name, null);
      else {
        const percent = num(p.values.percent, '--percent');
        if (percent === undefined) throw new UsageError('shadow needs --percent (or stop)');
        endpoint = await sdk.endpoints.shadow(name, { ...(p.values.model ? { model: str(p.values.model) } : {}), ...target(p), percent, replicas: p.values.replicas ? int(p.values.replicas, '--replicas', 1)! : 1 });
      }
      return out.result(endpoint, () => endpointFields(endpoint));
    }
    case 'delete': {
      const p = parse(rest);
      const endpoint = await (await p.client()).endpoints.delete(positional(p, 0, 'name'));
      return out.result(endpoint, () => `${endpoint.name} ${endpoint.phase}\n`);
    }
    case 'infer': {
      const p = parse(rest, { model: { type: 'string' }, input: { type: 'string', multiple: true }, datatype: { type: 'string', multiple: true }, data: { type: 'string', short: 'd' } });
      const name = positional(p, 0, 'name');
      const body = await inferBody(p);
      // --model: which model of a multi-model endpoint answers (its V2 route v2/models/{model}/infer).
      const model = { model: str(p.values.model) };
      const sdk = await p.client();
      const res = body.request ? await sdk.endpoints.inferRequest(name, body.request, model) : await sdk.endpoints.infer(name, body.inputs!, model);
      return out.result(res, () => table(['OUTPUT', 'DATATYPE', 'SHAPE', 'DATA'], res.outputs.map((o) => [o.name, o.datatype, JSON.stringify(o.shape), JSON.stringify(o.data)])));
    }
    default:
      throw new UsageError(command ? `unknown command 'endpoints ${command}'` : 'missing command');
  }
}

/**
 * deploy's body: the file, then the flags over it. One model (--model, --version) or many
 * (--models, --memory-budget); the flags of one kind replace a file's spec of the other.
 */
async function deploySpec(p: Parsed): Promise<EndpointSpec> {
  const file = str(p.values.file);
  const spec: Record<string, unknown> = file ? await readSpec(file) : {};
  if (p.positionals[0]) spec.name = p.positionals[0];
  const models = str(p.values.models);
  const budget = str(p.values['memory-budget']);
  if (models !== undefined) {
    if (p.values.model !== undefined || p.values.version !== undefined) throw new UsageError('--models replaces --model and --version: give one or the other');
    delete spec.model;
    delete spec.version;
    spec.models = modelsOf(models);
  }
  if (p.values.model !== undefined || p.values.version !== undefined) {
    delete spec.models;
    delete spec.memoryBudget;
  }
  if (p.values.model !== undefined) spec.model = str(p.values.model);
  if (p.values.version !== undefined) spec.version = /^\d+$/.test(str(p.values.version)!) ? Number(p.values.version) : str(p.values.version);
  if (budget !== undefined) {
    if (spec.models === undefined) throw new UsageError('--memory-budget is for a multi-model endpoint: give --models m:v,... (or models: in the file)');
    spec.memoryBudget = memoryBudgetOf(budget);
  }
  if (p.values.replicas) spec.replicas = int(p.values.replicas, '--replicas', 1);
  if (!spec.name || (spec.models === undefined && (!spec.model || spec.version === undefined))) {
    throw new UsageError('deploy needs -f <endpoint.yaml>, or <name> --model <m> --version <v>, or <name> --models <m:v,...>');
  }
  return spec as EndpointSpec;
}

/** --version v or --revision n: what a canary or shadow runs. */
function target(p: Parsed): { version?: number | string; revision?: number } {
  const version = str(p.values.version);
  if (version !== undefined) return { version: /^\d+$/.test(version) ? Number(version) : version };
  const revision = int(p.values.revision, '--revision', 1);
  if (revision === undefined) throw new UsageError('give --version <v> or --revision <n>');
  return { revision };
}

function num(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got '${String(value)}'`);
  return n;
}
