// A fetch for the PrometheusClient with TLS options (custom CA, client certificate, skip verify,
// server name). Node's global fetch (undici) takes TLS options only through a dispatcher from the
// `undici` package, which the project does not install; node:https takes them directly, so this
// small adapter runs the request through node:http(s) and returns a WHATWG Response.

import * as http from 'node:http';
import * as https from 'node:https';
import * as zlib from 'node:zlib';
import type { FetchFn } from '../../prometheus/client';

export interface TlsOptions {
  /** PEM CA certificate(s) to trust instead of the system roots. */
  ca?: string;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
  /** False skips certificate verification (tlsSkipVerify). */
  rejectUnauthorized?: boolean;
  /** Name to verify the certificate against when it differs from the URL's host. */
  servername?: string;
}

export function tlsFetch(tls: TlsOptions): FetchFn {
  const agent = new https.Agent({ keepAlive: true, ...tls });
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      const isHttps = url.protocol === 'https:';
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => (headers[name] = value));
      const body = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : undefined;
      if (body) {
        headers['content-length'] = String(body.length);
      }
      const options: https.RequestOptions = { method: init.method ?? 'GET', headers, signal: init.signal ?? undefined };
      if (isHttps) {
        options.agent = agent;
      }
      const req = (isHttps ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        // Unlike fetch, node:http hands the body over as sent: undo a compression the client asked for.
        const decoder = contentDecoder(res.headers['content-encoding']);
        const decoded = decoder ? res.pipe(decoder) : res;
        decoded.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        decoder?.on('error', (e) => reject(Object.assign(new TypeError('fetch failed'), { cause: e })));
        decoded.on('end', () => {
          const out = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (decoder && (name === 'content-encoding' || name === 'content-length')) {
              continue;
            }
            if (typeof value === 'string') {
              out.set(name, value);
            } else if (Array.isArray(value)) {
              value.forEach((v) => out.append(name, v));
            }
          }
          const status = res.statusCode ?? 502;
          const noBody = status === 204 || status === 304;
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: out }));
        });
      });
      // The client reads `cause.code` (ECONNREFUSED, CERT_HAS_EXPIRED, ...) as fetch reports it.
      req.on('error', (e) => reject(Object.assign(new TypeError('fetch failed'), { cause: e })));
      req.end(body);
    });
}

function contentDecoder(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}
