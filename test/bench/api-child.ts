// The platform's entry point (src/main.ts) under tsx with the decorator-metadata hook, for a
// bench that runs the API in a process of its own (BEAMLINE_ROLE=api), as a deployment does.
import { register } from 'node:module';

register('./decorator-metadata.mjs', import.meta.url);
await import('../../src/main.js');
