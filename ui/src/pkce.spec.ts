import { describe, expect, it } from 'vitest';
import { authorizationUrl, base64url, callbackResult, pkceChallenge, randomString } from './pkce';

describe('PKCE', () => {
  it('the S256 challenge is base64url(SHA-256(verifier)), unpadded', async () => {
    const v = randomString();
    // SHA-256("abc") is ba7816bf…f20015ad (FIPS 180-2's example).
    expect(await pkceChallenge('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(await pkceChallenge(v)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('random strings are base64url, of the asked length, and differ', () => {
    const a = randomString(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomString(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomString(32)).not.toBe(a);
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('-__-');
  });

  it('builds the authorization request, keeping a query the endpoint already has', () => {
    const url = new URL(authorizationUrl('https://idp.example.com/authorize?tenant=lab', { clientId: 'c', redirectUri: 'https://b.example.com/ui/auth/callback', scopes: 'openid offline_access', state: 's', challenge: 'x' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: 'lab',
      response_type: 'code',
      client_id: 'c',
      redirect_uri: 'https://b.example.com/ui/auth/callback',
      scope: 'openid offline_access',
      state: 's',
      code_challenge: 'x',
      code_challenge_method: 'S256',
    });
  });
});

describe('callbackResult', () => {
  const expected = { state: 'abc', issuer: 'https://idp.example.com' };
  const q = (s: string) => new URLSearchParams(s);

  it('gives the code when state (and iss, where sent) match', () => {
    expect(callbackResult(q('code=c1&state=abc'), expected)).toEqual({ code: 'c1' });
    expect(callbackResult(q('code=c1&state=abc&iss=https%3A%2F%2Fidp.example.com'), expected)).toEqual({ code: 'c1' });
  });

  it('refuses another state, a missing state, another issuer, or no login started here', () => {
    expect(callbackResult(q('code=c1&state=abd'), expected)).toEqual({ error: expect.stringMatching(/state mismatch/) });
    expect(callbackResult(q('code=c1'), expected)).toEqual({ error: expect.stringMatching(/state mismatch/) });
    expect(callbackResult(q('code=c1&state=abc&iss=https%3A%2F%2Fevil.example.com'), expected)).toEqual({ error: expect.stringMatching(/evil\.example\.com/) });
    expect(callbackResult(q('code=c1&state=abc'), undefined)).toEqual({ error: expect.stringMatching(/No single sign-on login/) });
  });

  it('passes on the provider’s error, and refuses an answer with no code', () => {
    expect(callbackResult(q('error=access_denied&error_description=nope&state=abc'), expected)).toEqual({ error: 'The identity provider refused the login: access_denied (nope)' });
    expect(callbackResult(q('state=abc'), expected)).toEqual({ error: expect.stringMatching(/no authorization code/) });
  });
});
