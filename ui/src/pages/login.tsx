import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { ErrorText } from '../components';

/**
 * Asks for a Beamline API token (`bl_…`, docs/security.md) and checks it with whoami before
 * keeping it in this browser's localStorage; the console sends it as a bearer token.
 */
export function LoginPage({ onLogin }: { onLogin: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

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
      <ErrorText error={error} />
      <p class="hint">
        A token from <code>beamline tokens create</code> or your admin. It is kept in this browser until you log out.
      </p>
    </main>
  );
}
