import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';

/**
 * Pieces shared by the response schemas (the *.responses.ts files beside the views) and the compile-time
 * check that keeps each schema in step with the view function it describes: the views
 * stay the source of truth, the schemas are what /openapi.json and the SDK see.
 */

/** A timestamp as the views write it (Date.toISOString()). */
export const isoTime = z.iso.datetime();

/** A keyset-paginated list: `nextCursor` is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

/** A complete list in one answer (events, revisions, aliases, projects). */
export const itemsOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

type Json = Prisma.JsonValue;

/**
 * Whether a view's value type V fits the schema's type S. Three widenings are allowed
 * because the database cannot be narrower than the contract: a JSON column (its shape
 * is the schema's to state; the integration test parses real answers), a Date (JSON
 * writes it as an ISO string) and a text column the schema narrows to an enum.
 */
type Fits<V, S> = [Json] extends [V]
  ? true
  : null extends V
    ? null extends S ? Fits<NonNullable<V>, NonNullable<S>> : false
    : [V] extends [Date]
      ? [string] extends [S] ? true : false
      : [V] extends [readonly (infer VI)[]]
        ? [Defined<S>] extends [readonly (infer SI)[]] ? Fits<VI, SI> : false
        : [V] extends [object] // field by field, so an extra field in a nested object is caught too
          ? [Defined<S>] extends [object] ? ([Mismatch<V, Defined<S>>] extends [never] ? true : false) : false
          : [V] extends [S]
            ? true
            : [V] extends [string]
              ? [S] extends [string] ? true : false
              : false;
type Defined<S> = Exclude<S, undefined>;

/**
 * The keys on which a view V and a schema type S disagree: missing on one side, or a
 * value that does not fit. Checked per member when V is a union of answer shapes; a key
 * the schema marks optional may be absent from a member.
 */
export type Mismatch<V, S> = V extends unknown
  ? {
      [K in keyof V | keyof S]-?: K extends keyof V
        ? K extends keyof S ? (Fits<V[K], S[K]> extends true ? never : K) : K
        : K extends keyof S ? (undefined extends S[K] ? never : K) : K;
    }[keyof V | keyof S]
  : never;

/**
 * Compiles only when nothing mismatches, e.g. `type _Job = Agree<Mismatch<JobView, z.input<typeof jobSchema>>>`.
 * A field added to a view but not to its schema fails tsc with
 * `Type '"field"' does not satisfy the constraint 'never'`.
 */
export type Agree<K extends never> = K;
