import { describe, expect, it } from 'vitest';
import { aNode } from '../../gpu-scheduler/engine/testing/builders.js';
import { offerProblem, offersOf } from './cluster-offers.js';

describe('cluster offers (submit-time refusals, issue 20)', () => {
  const offers = offersOf(
    [
      aNode('h').gpus(2, 'H100').sharing('none').build(),
      aNode('m').gpus(1, 'A100').sharing('none').migDevice({ '1g.10gb': 7 }, 'A100').build(),
      aNode('t').gpus(2, 'T4').sharing('time-slicing', 4).build(),
      aNode('a').gpus(1, 'A10').sharing('mps', 4).build(),
    ],
    1,
  );

  it('sums up per product: MIG profiles and the largest share a node enforces', () => {
    expect(offers.products).toEqual({
      H100: { devices: 2, migProfiles: [], maxShareMilli: 0 },
      A100: { devices: 2, migProfiles: ['1g.10gb'], maxShareMilli: 0 },
      T4: { devices: 2, migProfiles: [], maxShareMilli: 999 },
      A10: { devices: 1, migProfiles: [], maxShareMilli: 250 },
    });
  });

  it('refuses a fraction no node of the asked products can enforce, naming the field and what there is', () => {
    expect(offerProblem(offers, { milli: 500, products: ['H100', 'A10'] })).toEqual({
      field: 'resources.gpu.fraction',
      message: 'no node here can enforce a share of 0.5 (H100: whole GPUs only; A10: shares up to 0.25); a fraction needs a node pool with time-slicing or MPS (docs/gpu-nodes.md)',
    });
    expect(offerProblem(offers, { milli: 250, products: ['A10'] })).toBeUndefined();
    expect(offerProblem(offers, { milli: 900 })).toBeUndefined(); // any product: the T4 pool takes it
  });

  it('refuses a MIG profile nobody offers, listing the offered ones', () => {
    expect(offerProblem(offers, { migProfile: '3g.40gb' })).toEqual({ field: 'resources.gpu.migProfile', message: 'no node offers MIG profile 3g.40gb (offered: 1g.10gb)' });
    expect(offerProblem(offers, { migProfile: '1g.10gb', products: ['A100'] })).toBeUndefined();
  });

  it('leaves to the pending reason a product the cluster does not have yet, whole GPUs, and the local driver', () => {
    expect(offerProblem(offers, { milli: 500, products: ['B200'] })).toBeUndefined();
    expect(offerProblem(offers, { count: 8, products: ['H100'] })).toBeUndefined();
    const local = offersOf([aNode('local').gpus(1, 'T4').build()], 1); // no sharing mode: Beamline's books only
    expect(offerProblem(local, { milli: 500 })).toBeUndefined();
    expect(offerProblem(offersOf([], 1), { milli: 500 })).toBeUndefined();
  });
});
