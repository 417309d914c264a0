import { emissionIntervalMicros, type Rate } from './rate.js';

/**
 * GCRA (the generic cell rate algorithm, a token bucket stored as one timestamp per key)
 * over every key of one request, atomically, in one round trip.
 *
 * Per key: `tat` is the theoretical arrival time of the next request at the steady rate.
 * A request is allowed when `max(tat, now) + interval - interval*limit <= now`, i.e. the
 * key is less than `limit` requests ahead of its schedule (so a burst of `limit` passes).
 *
 * 1) Every key is evaluated; the request passes only if all allow it.
 * 2) Only then are all keys advanced: a request refused by the project limit must not use
 *    up the token's allowance, nor the reverse.
 * 3) Each key expires when it would be back to a full bucket: an absent key and an expired
 *    one mean the same, so idle tokens and projects leave nothing behind in Redis.
 * Time is Redis's own clock (TIME), so API replicas with skewed clocks still agree.
 * Numbers are whole microseconds (< 2^53) and written with %d, never in Lua's %.14g.
 *
 * KEYS: the keys; ARGV: interval µs and limit for each key, in order.
 * Returns {allowed 0/1, binding key index (1-based), retry µs, remaining, reset µs}.
 */
export const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local allowed = 1
local bind, retry = 1, 0
local tats, intervals, limits = {}, {}, {}
for i = 1, #KEYS do
  local interval, limit = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  tats[i], intervals[i], limits[i] = tat, interval, limit
  local allowAt = tat + interval - interval * limit
  if now < allowAt then
    if allowed == 1 or allowAt - now > retry then bind, retry = i, allowAt - now end
    allowed = 0
  end
end
if allowed == 0 then
  return {0, bind, retry, 0, tats[bind] - now}
end
local remaining = -1
for i = 1, #KEYS do
  local newTat = tats[i] + intervals[i]
  local left = math.floor((now - (newTat - intervals[i] * limits[i])) / intervals[i])
  if remaining < 0 or left < remaining then bind, remaining = i, left end
  redis.call('SET', KEYS[i], string.format('%d', newTat), 'PX', math.max(1, math.ceil((newTat - now) / 1000)))
end
return {1, bind, 0, remaining, tats[bind] + intervals[bind] - now}
`;

export interface LimitCheck<S extends string = string> {
  scope: S;
  /** Full Redis key. */
  key: string;
  rate: Rate;
}

export interface RateDecision<S extends string = string> {
  allowed: boolean;
  /** Whole seconds, at least 1 when refused (Retry-After must not invite an immediate retry); 0 when allowed. */
  retryAfterSeconds: number;
  /** Requests left right now under the binding limit. */
  remaining: number;
  /** The binding limit: the one that refused, or the one with the fewest left. */
  limit: number;
  scope: S;
  /** Seconds until the binding key is back to a full burst. */
  resetSeconds: number;
}

export function scriptArgs(checks: readonly LimitCheck[]): string[] {
  return checks.flatMap((c) => [String(emissionIntervalMicros(c.rate)), String(c.rate.limit)]);
}

/** The script's reply as a decision; `checks` in the order given to the script. */
export function toDecision<S extends string>(checks: readonly LimitCheck<S>[], reply: unknown): RateDecision<S> {
  if (!Array.isArray(reply) || reply.length !== 5) throw new Error(`unexpected rate limit script reply: ${JSON.stringify(reply)}`);
  const [allowed, bind, retryMicros, remaining, resetMicros] = reply.map(Number);
  const binding = checks[bind - 1];
  if (!binding) throw new Error(`rate limit script named key ${bind} of ${checks.length}`);
  return {
    allowed: allowed === 1,
    retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMicros / 1e6)),
    remaining: Math.max(0, remaining),
    limit: binding.rate.limit,
    scope: binding.scope,
    resetSeconds: Math.max(0, Math.ceil(resetMicros / 1e6)),
  };
}
