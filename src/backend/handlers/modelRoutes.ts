// /models: list, inspect, pin, unpin, roll back, delete and train the data source's stored models.

import { datasourcePrefix, StoreError, type ModelStore } from '../../store';
import type { CallResourceRequest, CallResourceResponse, PluginContext } from '../protocol/messages';
import { ResourceError } from './resourceError';
import { allow, intParam, jsonBody, methodNotAllowed, optionalJsonBody, queryParams } from './resourceRequest';
import type { Instance, InstanceCache } from './settings';
import { trainRoute, type TrainingServices } from './trainRoutes';
import { jsonResource } from './types';

const MAX_LIST_LIMIT = 10_000;
const ACTIONS = ['pin', 'unpin', 'rollback', 'train'] as const;
type Action = (typeof ACTIONS)[number];

export async function modelsRoute(
  cache: InstanceCache,
  req: CallResourceRequest,
  sub: string,
  method: string,
  training?: TrainingServices
): Promise<CallResourceResponse> {
  if (sub === '') {
    allow(method, 'models', ['GET']);
    const instance = cache.get(req.pluginContext);
    return listModels(instance, queryParams(req));
  }
  let rawKey = sub;
  let action: Action | undefined;
  for (const a of ACTIONS) {
    if (sub.endsWith(`/${a}`)) {
      rawKey = sub.slice(0, -(a.length + 1));
      action = a;
      break;
    }
  }
  if (action !== undefined && method !== 'POST') {
    throw methodNotAllowed(method, `models/<key>/${action}`, ['POST']);
  }
  if (action === undefined) {
    allow(method, 'models/<key>', ['GET', 'DELETE']);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    requireEditor(req.pluginContext, action ?? 'delete');
  }
  let body: Record<string, unknown> | undefined;
  if (action === 'pin') {
    body = jsonBody(req, '{"version": 3}');
  } else if (action === 'train') {
    body = optionalJsonBody(req);
  } else if (action !== undefined) {
    optionalJsonBody(req); // no body needed, but a malformed one is refused
  }
  const instance = cache.get(req.pluginContext);
  const store = instance.store();
  const key = await resolveKey(store, instance, rawKey);
  switch (action) {
    case undefined:
      return method === 'DELETE' ? deleteModel(store, key) : inspectModel(store, key);
    case 'pin': {
      const version = pinVersion(body);
      await store.pin(key, version);
      return modelAnswer(store, key, { pinned: version });
    }
    case 'train':
      return trainRoute(need(training), instance, key, body);
    case 'unpin':
      await store.unpin(key);
      return modelAnswer(store, key, { unpinned: true });
    case 'rollback': {
      let version: number;
      try {
        version = await store.rollback(key);
      } catch (e) {
        // The key exists (resolveKey found it): not_found here means no earlier version.
        if (e instanceof StoreError && e.code === 'not_found') {
          throw new ResourceError(409, e.message);
        }
        throw e;
      }
      return modelAnswer(store, key, { rolledBackTo: version });
    }
  }
}

function requireEditor(pc: PluginContext, what: string): void {
  const role = (pc.user?.role ?? '').toLowerCase();
  if (role !== 'editor' && role !== 'admin') {
    const who = pc.user?.login ? `user ${pc.user.login}` : 'this request';
    const has = pc.user?.role ? `role ${pc.user.role}` : 'no role';
    throw new ResourceError(403, `${what} needs the Editor or Admin role; ${who} has ${has}`);
  }
}

async function listModels(instance: Instance, params: URLSearchParams): Promise<CallResourceResponse> {
  const own = datasourcePrefix(instance.uid);
  const prefix = params.get('prefix') ?? '';
  if (prefix !== '' && !prefix.startsWith(own)) {
    throw new ResourceError(
      400,
      `prefix ${JSON.stringify(prefix)} is outside this data source: its model keys start with ${JSON.stringify(own)}`
    );
  }
  const limit = intParam(params, 'limit', 1, MAX_LIST_LIMIT) ?? 100;
  const offset = intParam(params, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const page = await instance.store().list({ prefix: prefix === '' ? own : prefix, limit, offset });
  return jsonResource(200, { items: page.items, total: page.total, limit, offset });
}

/**
 * The stored key a path segment names, within this data source. Clients send the key encoded with
 * encodeURIComponent; a Grafana that already decoded the path gives it plain. The decoded form is
 * tried first, then the segment as it came.
 */
async function resolveKey(store: ModelStore, instance: Instance, raw: string): Promise<string> {
  if (raw === '') {
    throw new ResourceError(404, 'no model key in the path: use /models/<url-encoded key>');
  }
  const own = datasourcePrefix(instance.uid);
  const candidates: string[] = [];
  try {
    candidates.push(decodeURIComponent(raw));
  } catch {
    // Not percent-encoded: a literal key.
  }
  if (!candidates.includes(raw)) {
    candidates.push(raw);
  }
  for (const key of candidates) {
    if (key.startsWith(own) && (await store.history(key)).length > 0) {
      return key;
    }
  }
  throw new ResourceError(404, `no stored model ${candidates[0]} for data source ${instance.name}`);
}

async function inspectModel(store: ModelStore, key: string): Promise<CallResourceResponse> {
  return modelAnswer(store, key, {});
}

async function modelAnswer(
  store: ModelStore,
  key: string,
  extra: Record<string, unknown>
): Promise<CallResourceResponse> {
  const history = await store.history(key);
  if (history.length === 0) {
    throw new ResourceError(404, `no stored model ${key}`);
  }
  const active = history.find((v) => v.active) ?? history[0];
  const pinned = history.find((v) => v.pinned);
  return jsonResource(200, {
    ...extra,
    key,
    activeVersion: active.version,
    latestVersion: history[0].version,
    pinnedVersion: pinned?.version ?? null,
    active,
    history,
  });
}

async function deleteModel(store: ModelStore, key: string): Promise<CallResourceResponse> {
  const removed = await store.deleteKey(key);
  return jsonResource(200, { key, deleted: true, versionsRemoved: removed });
}

export function need(training: TrainingServices | undefined): TrainingServices {
  if (!training) {
    throw new ResourceError(501, 'training jobs are not enabled in this backend');
  }
  return training;
}

function pinVersion(body: Record<string, unknown> | undefined): number {
  const v = body?.version;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new ResourceError(400, `"version" must be a version number (an integer from 1), got ${JSON.stringify(v)}`);
  }
  return v;
}
