import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'beamline:public';
/** Marks a route that needs no bearer token (/healthz, /readyz, /metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const READS_ONLY = 'beamline:reads-only';
/** Marks a non-GET route that changes nothing (inference), so VIEWER tokens may call it. */
export const ReadsOnly = () => SetMetadata(READS_ONLY, true);
