import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPki, writeKubeconfig, type K8sPki } from './k8s-pki.js';
import { isAlive } from '../../src/common/process-alive.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const K8S_BIN_DIR = process.env.K8S_BIN_DIR ?? join(REPO_ROOT, '.k8s-bin');
export const K8S_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok'] as const;
const STAGES_DIR = join(REPO_ROOT, 'tools/kwok/stages');

export interface K8sCluster {
  dir: string;
  server: string;
  kubeconfig: string;
  pki: K8sPki;
  pids: Record<string, number>;
  /** Milliseconds from the first spawn to /readyz and the default service account. */
  startMs: number;
  /**
   * Stops kube-apiserver (SIGTERM, SIGKILL after 10 s) and starts it again with the same
   * flags, so on the same etcd and port, then waits for /readyz (the chaos suite's "API
   * server restart"). Resolves to the milliseconds it was unreachable, about.
   */
  restartApiServer(): Promise<number>;
  stop(): Promise<void>;
}

/** A free loopback port (the kernel picks it; a race with another process is possible but harmless in tests). */
async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET with the admin certificate; resolves to the status code and body, or undefined when the server is not up. */
function get(server: string, path: string, pki: K8sPki): Promise<{ status: number; body: string } | undefined> {
  return new Promise((res) => {
    const req = request(
      `${server}${path}`,
      { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey), timeout: 5000 },
      (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      },
    );
    req.on('error', () => res(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Waits until `ok` holds. Start-up is waited for, not timed: the only limit is the
 * process dying (checked each round) or `limitMs`, which is there so a broken build
 * fails the run with the component's log instead of hanging it.
 */
async function waitFor(what: string, ok: () => Promise<boolean>, alive: () => void, limitMs = 300_000): Promise<void> {
  const until = Date.now() + limitMs;
  for (;;) {
    alive();
    if (await ok()) return;
    if (Date.now() > until) throw new Error(`k8s test cluster: gave up waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on 127.0.0.1, in numbered steps:
 * 1. a throwaway PKI and kubeconfig in a fresh temp dir;
 * 2. etcd (no fsync: the data is thrown away);
 * 3. kube-apiserver, then wait for /readyz;
 * 4. kube-controller-manager, kube-scheduler (unless `kubeScheduler: false`) and kwok, then
 *    wait for the `default` service account (proof that the controllers run). kube-scheduler
 *    places the pods of endpoint Deployments; Beamline's training pods name
 *    `beamline-gpu-scheduler` and are left alone by it;
 * Every PID is kept; `stop()` kills exactly those PIDs, newest first.
 */
export async function startK8sCluster(options: { dir?: string; log?: (line: string) => void; kubeScheduler?: boolean } = {}): Promise<K8sCluster> {
  const log = options.log ?? (() => undefined);
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'beamline-k8s-')));
  const started = Date.now();
  const bin = (name: string) => join(K8S_BIN_DIR, name);
  for (const b of K8S_BINARIES) if (!existsSync(bin(b))) throw new Error(`missing ${bin(b)}: run scripts/k8s-build.sh`);

  // 1. PKI, ports, kubeconfig.
  const pki = createPki(dir);
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = join(dir, 'admin.kubeconfig');
  writeKubeconfig(kubeconfig, server, pki);

  const pids: Record<string, number> = {};
  const argsOf: Record<string, string[]> = {};
  const exited = new Map<string, number | null>();
  const spawnLogged = (name: string, args: string[]) => {
    argsOf[name] = args;
    const out = openSync(join(dir, `${name}.log`), 'a');
    const child = spawn(bin(name), args, { cwd: dir, stdio: ['ignore', out, out] });
    closeSync(out);
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    pids[name] = child.pid;
    child.on('exit', (code) => pids[name] === child.pid && exited.set(name, code)); // a restarted one's old process is not news
    writeFileSync(join(dir, 'pids.json'), JSON.stringify(pids));
    log(`k8s test cluster: ${name} pid ${child.pid}`);
  };
  const alive = () => {
    for (const [name, code] of exited) {
      const tail = readFileSync(join(dir, `${name}.log`), 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`k8s test cluster: ${name} exited with ${code}\n${tail}`);
    }
  };
  // If the test runner exits without teardown, do not leave the control plane behind.
  const killAll = () => Object.values(pids).forEach((pid) => isAlive(pid) && process.kill(pid, 'SIGKILL'));
  process.once('exit', killAll);
  const stop = async () => {
    process.off('exit', killAll);
    await stopPids(pids, dir, log);
  };
  const restartApiServer = async () => {
    const name = 'kube-apiserver';
    const down = Date.now();
    await stopPids({ [name]: pids[name] }, dir, log, false);
    exited.delete(name);
    const stoppedMs = Date.now() - down;
    spawnLogged(name, argsOf[name]);
    await waitFor('/readyz after the restart', async () => (await get(server, '/readyz', pki))?.status === 200, alive);
    log(`k8s test cluster: kube-apiserver restarted (stopped in ${stoppedMs} ms), ready ${Date.now() - down} ms after the stop began`);
    return Date.now() - down;
  };
  const cluster: K8sCluster = { dir, server, kubeconfig, pki, pids, startMs: 0, restartApiServer, stop };

  try {
    // 2. etcd.
    spawnLogged('etcd', [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);

    // 3. kube-apiserver. A loopback advertise address is only accepted with the endpoint
    // reconciler off; Node,RBAC so that the RBAC tests meet the real authorizer.
    spawnLogged('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none',
      `--cert-dir=${dir}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--authorization-mode=Node,RBAC',
      '--v=1',
    ]);
    await waitFor('/readyz', async () => (await get(server, '/readyz', pki))?.status === 200, alive);
    log(`k8s test cluster: kube-apiserver ready after ${Date.now() - started} ms`);

    // 4. Controllers and the fake kubelets.
    spawnLogged('kube-controller-manager', [
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      `--root-ca-file=${pki.caCert}`,
      `--service-account-private-key-file=${pki.saKey}`,
      '--use-service-account-credentials=false',
      '--secure-port=0',
      '--v=1',
    ]);
    if (options.kubeScheduler ?? true) spawnLogged('kube-scheduler', [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--secure-port=0', '--v=1']);
    const stages = readdirSync(STAGES_DIR).filter((f) => f.endsWith('.yaml'));
    spawnLogged('kwok', [
      `--kubeconfig=${kubeconfig}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-lease-duration-seconds=40',
      '--cidr=10.244.0.0/16',
      '--node-ip=127.0.0.1',
      ...stages.map((f) => `--config=${join(STAGES_DIR, f)}`),
    ]);
    await waitFor(
      'the default service account',
      async () => (await get(server, '/api/v1/namespaces/default/serviceaccounts/default', pki))?.status === 200,
      alive,
    );
    cluster.startMs = Date.now() - started;
    log(`k8s test cluster: up in ${cluster.startMs} ms at ${server} (logs in ${dir})`);
    return cluster;
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

/** SIGTERM each PID (newest first), SIGKILL what is still alive after 10 s, then drop the dir unless K8S_KEEP is set. */
async function stopPids(pids: Record<string, number>, dir: string, log: (line: string) => void, removeDir = true): Promise<void> {
  for (const [name, pid] of Object.entries(pids).reverse()) {
    if (!isAlive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(200);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    log(`k8s test cluster: stopped ${name} (${pid})`);
  }
  if (removeDir && !process.env.K8S_KEEP) await rm(dir, { recursive: true, force: true });
}
