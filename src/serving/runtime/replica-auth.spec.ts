import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authorized } from './replica-auth.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('authorized', () => {
  it.each([
    ['no token configured', {}, undefined, true],
    ['an open path', {}, 'secret', true],
    ['Authorization: Bearer', { authorization: 'Bearer secret' }, 'secret', true],
    ['X-Beamline-Replica-Token (through the API server proxy, which consumes Authorization)', { 'x-beamline-replica-token': 'secret' }, 'secret', true],
    ['a wrong bearer', { authorization: 'Bearer nope' }, 'secret', false],
    ['a wrong replica-token header', { 'x-beamline-replica-token': 'nope' }, 'secret', false],
    ['nothing', {}, 'secret', false],
    ['Basic', { authorization: 'Basic c2VjcmV0' }, 'secret', false],
  ])('%s', (what, headers, expected, ok) => {
    const path = what === 'an open path' ? '/v2/health/ready' : '/v2/models/m/infer';
    expect(authorized(req(headers), path, expected)).toBe(ok);
  });
});
