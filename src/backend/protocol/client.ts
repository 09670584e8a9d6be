// A small gRPC client for the services the backend serves, over the same descriptors: the in-process
// tests use it (Grafana's side is proved by the Go host in tests/conformance). Plain objects in/out.

import * as grpc from '@grpc/grpc-js';
import {
  ControllerService,
  DataService,
  DiagnosticsService,
  HealthService,
  MAX_MESSAGE_BYTES,
  ResourceService,
  StdioService,
} from './codec';

type Plain = Record<string, unknown>;

export interface PluginClient {
  queryData(req: Plain): Promise<Plain>;
  checkHealth(req: Plain): Promise<Plain>;
  collectMetrics(req: Plain): Promise<Plain>;
  /** All messages of the resource stream. */
  callResource(req: Plain): Promise<Plain[]>;
  healthCheck(service: string): Promise<Plain>;
  shutdown(): Promise<Plain>;
  /** Opens the stdio stream; resolves when the server ends it. */
  streamStdio(): { ended: Promise<void>; cancel(): void };
  /** A unary call that the caller can cancel. */
  queryDataCancellable(req: Plain): { result: Promise<Plain>; cancel(): void };
  close(): void;
}

const clientOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
};

type UnaryFn = (req: Plain, cb: (err: grpc.ServiceError | null, res?: Plain) => void) => grpc.ClientUnaryCall;
type StreamFn = (req: Plain) => grpc.ClientReadableStream<Plain>;

export function createPluginClient(address: string, options: Record<string, number> = clientOptions): PluginClient {
  const creds = grpc.credentials.createInsecure();
  const make = (def: grpc.ServiceDefinition, name: string) =>
    new (grpc.makeGenericClientConstructor(def, name))(address, creds, options) as unknown as Record<
      string,
      UnaryFn & StreamFn
    >;
  const data = make(DataService, 'Data');
  const diag = make(DiagnosticsService, 'Diagnostics');
  const resource = make(ResourceService, 'Resource');
  const health = make(HealthService, 'Health');
  const controller = make(ControllerService, 'GRPCController');
  const stdio = make(StdioService, 'GRPCStdio');
  const clients = [data, diag, resource, health, controller, stdio] as unknown as grpc.Client[];

  const unary = (client: Record<string, UnaryFn>, method: string, req: Plain) => {
    let call: grpc.ClientUnaryCall | undefined;
    const result = new Promise<Plain>((resolve, reject) => {
      call = client[method].call(client, req, (err, res) => (err ? reject(err) : resolve(res ?? {})));
    });
    return { result, cancel: () => call?.cancel() };
  };

  return {
    queryData: (req) => unary(data, 'QueryData', req).result,
    queryDataCancellable: (req) => unary(data, 'QueryData', req),
    checkHealth: (req) => unary(diag, 'CheckHealth', req).result,
    collectMetrics: (req) => unary(diag, 'CollectMetrics', req).result,
    healthCheck: (service) => unary(health, 'Check', { service }).result,
    shutdown: () => unary(controller, 'Shutdown', {}).result,
    callResource: (req) =>
      new Promise<Plain[]>((resolve, reject) => {
        const messages: Plain[] = [];
        const stream = resource.CallResource.call(resource, req);
        stream.on('data', (m: Plain) => messages.push(m));
        stream.on('error', reject);
        stream.on('end', () => resolve(messages));
      }),
    streamStdio: () => {
      const stream = stdio.StreamStdio.call(stdio, {});
      const ended = new Promise<void>((resolve) => {
        stream.on('data', () => undefined);
        stream.on('end', resolve);
        stream.on('error', () => resolve());
      });
      return { ended, cancel: () => stream.cancel() };
    },
    close: () => clients.forEach((c) => c.close()),
  };
}
