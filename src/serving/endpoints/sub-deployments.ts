import type { EndpointRef } from '../../cluster/serving-driver.js';

/**
 * A canary or shadow runs as a driver endpoint of its own next to the stable one: its own
 * Deployment and Service (kubernetes) or replica processes (local), with a fixed replica count.
 * Its id and name derive from the endpoint's: `<id>.canary` and `<name>.canary`. The dot
 * cannot occur in an endpoint name (a DNS label), so no user endpoint can collide with it;
 * the kubernetes driver turns the name into a valid object name with a hash suffix and keeps
 * `<name>.canary` as the `beamline.dev/endpoint` label value (dots are valid there).
 */
export type SubTrack = 'canary' | 'shadow';

export const subEndpointId = (endpointId: string, track: SubTrack) => `${endpointId}.${track}`;

export const subRef = (ref: EndpointRef, track: SubTrack): EndpointRef => ({ endpointId: subEndpointId(ref.endpointId, track), project: ref.project, name: `${ref.name}.${track}` });
