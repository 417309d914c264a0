import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { ErrorText } from '../components';
import { href } from '../router';
import { finishSsoLogin, ssoConfig, startSsoLogin, type Refresh, type SsoConfig } from '../sso';

/**
 * Asks for a Beamline API token (`bl_…`, docs/security.md) and checks it with whoami before
 * keeping it in this browser's localStorage; the console sends it as a bearer token.
 */
export function LoginPage({ onLogin, next }: { onLogin: (token: string) => void; next: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  // Whether the platform offers single sign-on to the console (GET /v1/auth/config).
  const [sso, setSso] = useState<SsoConfig | null>(null);
  useEffect(() => void ssoConfig().then(setSso, () => setSso(null)), []);

  const ssoLogin = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await startSsoLogin(sso!, next);
    } catch (e) {
      setError(new ApiError(0, e instanceof Error ? e.message : String(e)));
      setBusy(false);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch('/v1/auth/whoami', { headers: { authorization: `Bearer ${token.trim()}` }, cache: 'no-store' });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { detail?: string };
        throw new ApiError(res.status, body.detail ?? res.statusText);
      }
      onLogin(token.trim());
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>Beamline</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} placeholder="bl_…" />
        <button type="submit" disabled={busy}>Log in</button>
      </form>
      {sso && (
        <div class="sso">
          <span class="hint">or</span>
          <button type="button" disabled={busy} onClick={ssoLogin}>Log in with SSO</button>
        </div>
      )}
      <ErrorText error={error} />
      <p class="hint">
        A token from <code>beamline tokens create</code> or your admin{sso ? ', or your organisation’s login' : ''}. It is kept in this browser until you log out.
      </p>
    </main>
  );
}

/**
 * /ui/auth/callback, where the identity provider sends the browser back: checks `state`,
 * exchanges the code, then goes where the login started. A refused answer stays here, as text.
 */
export function SsoCallback({ onLogin }: { onLogin: (token: string, refresh: Refresh | undefined, next: string) => void }) {
  const [error, setError] = useState<string>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const query = new URLSearchParams(location.search);
    // The one-time code leaves the address bar (and history) at once.
    history.replaceState(null, '', location.pathname);
    finishSsoLogin(query).then(
      (r) => onLogin(r.accessToken, r.refresh, r.next),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  return (
    <main class="login">
      <h1>Beamline</h1>
      {error ? (
        <>
          <p class="error" role="alert">Single sign-on failed: {error}</p>
          <p>
            <a {...href('/login')}>Back to the login page</a>
          </p>
        </>
      ) : (
        <p>Logging in…</p>
      )}
    </main>
  );
}
