import { lastValueFrom } from 'rxjs';
import { getBackendSrv, isFetchError, type BackendSrv } from '@grafana/runtime';
import { messageOf, ResourceError, type ResourceTransport } from './client';

/**
 * Resource calls through Grafana: `/api/datasources/uid/<uid>/resources/<path>`. Grafana adds the
 * user's session and role (the backend's 403 for Viewers comes back as a ResourceError). Error
 * pop-ups are off: the pages show the backend's message where the user acted.
 */
export function backendSrvTransport(uid: string, srv: () => BackendSrv = getBackendSrv): ResourceTransport {
  const base = `/api/datasources/uid/${encodeURIComponent(uid)}/resources/`;
  return async (req) => {
    try {
      const res = await lastValueFrom(
        srv().fetch<unknown>({
          url: base + req.path,
          method: req.method,
          params: req.params,
          data: req.body,
          showErrorAlert: false,
          showSuccessAlert: false,
        })
      );
      return res.data;
    } catch (e) {
      if (isFetchError(e)) {
        const msg = messageOf(e.data) ?? e.statusText ?? e.message ?? 'request failed';
        throw new ResourceError(e.status, msg);
      }
      throw e;
    }
  };
}
