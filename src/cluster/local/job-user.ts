import { execFileSync } from 'node:child_process';

/** The account the local driver's jobs run as. */
export const DEFAULT_JOB_USER = 'beamline-job';

/**
 * Who a job process runs as:
 * - `isolated`: the platform is root and switches to this unprivileged uid/gid;
 * - `shared`: the platform is not root, so jobs run as the platform's own user (no isolation);
 * - `refused`: root, but the account is missing and could not be created: workers fail with `reason`.
 */
export type JobIdentity =
  | { mode: 'isolated'; user: string; uid: number; gid: number }
  | { mode: 'shared'; uid: number; gid: number }
  | { mode: 'refused'; reason: string };

/** How user accounts are looked up and created; a seam so a spec can fake it. */
export interface UserAccounts {
  lookup(name: string): { uid: number; gid: number } | undefined;
  create(name: string): void;
}

export const systemAccounts: UserAccounts = {
  lookup(name) {
    try {
      // getent: passwd lines are name:x:uid:gid:...
      const [, , uid, gid] = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
      return { uid: Number(uid), gid: Number(gid) };
    } catch {
      return undefined;
    }
  },
  create(name) {
    // No home and no login shell: the account only owns job processes and their directories.
    execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  },
};

/**
 * Decides the job identity once, at driver start. As root, the default account is created
 * when missing (so `npm start` on a fresh machine isolates jobs without a manual step); a
 * user the operator named explicitly is never created: a typo must not invent accounts.
 */
export function resolveJobIdentity(
  name: string,
  log: (level: 'log' | 'warn' | 'error', line: string) => void,
  accounts: UserAccounts = systemAccounts,
  self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
): JobIdentity {
  if (self.uid !== 0) {
    log('warn', `the platform runs as uid ${self.uid}, not root: it cannot switch users, so jobs run as uid ${self.uid} and can read whatever it can (BEAMLINE_LOCAL_JOB_USER=${name} is not applied)`);
    return { mode: 'shared', ...self };
  }
  let found = accounts.lookup(name);
  if (!found && name === DEFAULT_JOB_USER) {
    found = createWithRetry(name, accounts, log);
  }
  if (!found) {
    const reason = `the job user '${name}' does not exist: create it (useradd --system --shell /usr/sbin/nologin ${name}) or set BEAMLINE_LOCAL_JOB_USER`;
    log('error', `${reason}; training jobs will fail until then`);
    return { mode: 'refused', reason };
  }
  if (found.uid === 0) log('warn', `BEAMLINE_LOCAL_JOB_USER=${name} is root: jobs are not isolated from the platform`);
  else log('log', `training jobs run as ${name} (uid ${found.uid}, gid ${found.gid})`);
  return { mode: 'isolated', user: name, ...found };
}

/** Several platform processes on one machine may race to create the account: a loser finds it made. */
function createWithRetry(name: string, accounts: UserAccounts, log: (level: 'log' | 'warn' | 'error', line: string) => void) {
  let lastError = '';
  for (let tries = 0; tries < 5; tries++) {
    try {
      accounts.create(name);
      log('log', `created the system user ${name} for training jobs (useradd --system --no-create-home --shell /usr/sbin/nologin)`);
    } catch (error) {
      lastError = String((error as { stderr?: Buffer }).stderr ?? error).trim(); // exists already, or /etc/passwd locked
    }
    const found = accounts.lookup(name);
    if (found) return found;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // a short synchronous pause before the next try
  }
  log('error', `could not create the job user ${name}: ${lastError}`);
  return undefined;
}
