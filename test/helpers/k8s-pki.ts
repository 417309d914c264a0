import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of the throwaway PKI of one test control plane. */
export interface K8sPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  /** Signing key (private) and verification key (public) of service-account tokens. */
  saKey: string;
  saPub: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

// ECDSA P-256 keys: generated in milliseconds and accepted by every component, including
// the service-account token signer (ES256).
const newKey = (file: string, cwd: string) =>
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file], cwd);

function signed(dir: string, name: string, subject: string, ext: string[]): void {
  newKey(`${name}.key`, dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  writeFileSync(join(dir, `${name}.ext`), ext.join('\n') + '\n');
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`],
    dir,
  );
}

/**
 * Creates, in numbered steps:
 * 1. a CA (client CA and serving CA at once, it lives for one test run);
 * 2. the API server's serving certificate for 127.0.0.1, localhost and the first service IP
 *    (in-cluster clients dial `kubernetes.default` = 10.0.0.1);
 * 3. an admin client certificate in `system:masters` (tests, controller-manager, kwok);
 * 4. the service-account key pair.
 */
export function createPki(dir: string): K8sPki {
  newKey('ca.key', dir);
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=beamline-test-ca', '-days', '2', '-sha256', '-out', 'ca.crt'], dir);
  signed(dir, 'apiserver', '/CN=kube-apiserver', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
  ]);
  signed(dir, 'admin', '/O=system:masters/CN=beamline-test-admin', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
  ]);
  newKey('sa.key', dir);
  openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  const p = (f: string) => join(dir, f);
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('apiserver.crt'),
    serverKey: p('apiserver.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };
}

/** A kubeconfig for the admin certificate (or, with `token`, for a bearer token). */
export function writeKubeconfig(file: string, server: string, pki: K8sPki, token?: string): void {
  const user = token ? `    token: ${token}` : `    client-certificate: ${pki.adminCert}\n    client-key: ${pki.adminKey}`;
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: beamline-test
  cluster:
    server: ${server}
    certificate-authority: ${pki.caCert}
users:
- name: beamline-test
  user:
${user}
contexts:
- name: beamline-test
  context:
    cluster: beamline-test
    user: beamline-test
current-context: beamline-test
`,
  );
}
