import { messageOf, ResourceError, type ResourceTransport } from './client';

/**
 * Resource calls straight to a base URL with the browser's fetch: for the harness page that serves
 * the real backend's resource API without Grafana in between.
 */
export function fetchTransport(baseUrl: string, fetchFn: typeof fetch = (...a) => fetch(...a)): ResourceTransport {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (req) => {
    const qs = new URLSearchParams(Object.entries(req.params ?? {}).map(([k, v]) => [k, String(v)])).toString();
    const res = await fetchFn(base + req.path + (qs ? `?${qs}` : ''), {
      method: req.method,
      headers: req.body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): keep the text for the message.
    }
    if (!res.ok) {
      throw new ResourceError(res.status, messageOf(body) ?? (res.statusText || `HTTP ${res.status}`));
    }
    return body;
  };
}
