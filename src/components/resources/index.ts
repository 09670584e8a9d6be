export {
  errorMessage,
  makeResources,
  ResourceError,
  type ModelListParams,
  type ResourceRequest,
  type ResourceTransport,
  type VigilResources,
} from './client';
export { backendSrvTransport } from './backendSrvTransport';
export { fetchTransport } from './fetchTransport';
