/** Renew this long before a token expires, so a send never goes out with one about to lapse. */
const EARLY_MS = 5 * 60_000;
const TIMEOUT_MS = 10_000;

/**
 * OAuth 2.0 client credentials against one token endpoint (TEAMS_TOKEN_URL), cached per scope. The
 * Teams SDK gets its tokens through MSAL, which accepts only https authorities on Microsoft's hosts;
 * this is the seam that lets tests and benchmarks use a token issuer on loopback. Concurrent callers
 * share one request.
 */
export function clientCredentialsToken(o: { url: string; clientId: string; clientSecret: string; now?: () => number }) {
  const now = o.now ?? Date.now;
  const cache = new Map<string, { token: string; until: number }>();
  const pending = new Map<string, Promise<string>>();
  const fetchToken = async (scope: string): Promise<string> => {
    const res = await fetch(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret, scope }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // The body of a refusal may echo the request; only the status is kept.
    if (!res.ok) throw Object.assign(new Error(`token endpoint: HTTP ${res.status}`), { code: `token_http_${res.status}` });
    const body = (await res.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string') throw Object.assign(new Error('token endpoint: no access_token'), { code: 'token_missing' });
    const lifetimeS = Number(body.expires_in);
    cache.set(scope, { token: body.access_token, until: now() + (Number.isFinite(lifetimeS) ? lifetimeS * 1000 : 3600_000) - EARLY_MS });
    return body.access_token;
  };
  return async (scopes: string | string[]): Promise<string> => {
    const scope = Array.isArray(scopes) ? scopes.join(' ') : scopes;
    const hit = cache.get(scope);
    if (hit && hit.until > now()) return hit.token;
    let p = pending.get(scope);
    if (!p) {
      p = fetchToken(scope).finally(() => pending.delete(scope));
      pending.set(scope, p);
    }
    return p;
  };
}
