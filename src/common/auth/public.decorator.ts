import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'beamline:public';
/** Marks a route that needs no bearer token (/healthz, /readyz, /metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
