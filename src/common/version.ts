/**
 * This release's version, the tag of its container image. Kept equal to package.json's
 * `version` by version.spec.ts (a constant, not a read of package.json at run time,
 * because dist/ and src/ sit at different depths below it).
 */
export const PLATFORM_VERSION = '0.1.0';

/** The image this release is published as (docs/install.md); endpoint replicas default to it. */
export const PLATFORM_IMAGE = `ghcr.io/beamline/beamline:${PLATFORM_VERSION}`;
