import { decodePlain, encodePlain, messageType } from './codec';
import type { QueryDataResponse } from './messages';
import { encodeQueryDataResponse } from './queryDataWire';

// The direct writer against protobufjs (fromObject + encode, the former path): both decode to the
// same message.

const TYPE = messageType('pluginv2.QueryDataResponse');

function viaProtobufjs(resp: QueryDataResponse): Buffer {
  const responses: Record<string, object> = {};
  for (const [refId, r] of Object.entries(resp.responses)) {
    responses[refId] = {
      frames: r.frames ?? [],
      error: r.error ?? '',
      jsonMeta: r.jsonMeta ?? new Uint8Array(0),
      status: r.status ?? 0,
      errorSource: r.errorSource ?? '',
    };
  }
  return encodePlain(TYPE, { responses });
}

const same = (resp: QueryDataResponse) => {
  const direct = encodeQueryDataResponse(resp);
  expect(decodePlain(TYPE, direct)).toEqual(decodePlain(TYPE, viaProtobufjs(resp)));
  return direct;
};

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('QueryDataResponse writer', () => {
  it('matches protobufjs on frames, errors, statuses (negative too), metadata and unicode refIds', () => {
    same({
      responses: {
        A: { frames: [bytes(3, 1), bytes(0, 2), bytes(300, 3), bytes(70_000, 4)], status: 200 },
        'é-B': { error: 'bad query: ü', status: 400, errorSource: 'plugin' },
        C: { jsonMeta: bytes(5, 9), status: -1 },
        D: { status: -2147483648 },
        E: {},
      },
    });
  });

  it('writes an empty response and no responses', () => {
    expect(same({ responses: {} }).length).toBe(0);
    same({ responses: { A: { frames: [] } } });
  });

  it('refuses a frame that is not bytes (the server answers with an error instead)', () => {
    const resp = { responses: { A: { frames: ['x' as unknown as Uint8Array] } } };
    expect(() => encodeQueryDataResponse(resp)).toThrow(/frame must be bytes/);
  });
});
