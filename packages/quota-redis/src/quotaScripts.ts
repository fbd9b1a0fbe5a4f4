/**
 * The quota's rules, run atomically inside Redis (one script call per grant in the common case),
 * on Redis's clock (`TIME`), so machines whose clocks disagree still agree on the window. It is the
 * rule @iot-task/client keeps in one process (packages/client/src/quota/quotaWindow.ts) — keep the
 * two alike:
 *
 * - a place blocks arrivals at the server until one second after the latest moment its request can
 *   have arrived: while the request is out, until its lease ends (granted + lease + 1 s: a holder
 *   killed with `kill -9` frees it then); once answered, until one second after the arrival the
 *   client reports (`release`);
 * - a request may go when fewer than `requestsPerSecond` places block its own earliest arrival;
 * - a token bucket (`burst` saved up, refilled at the rate) shapes bursts inside the window;
 * - waiting processes queue (one ticket each, FIFO, each ticket leased so a dead process's one
 *   leaves): a place goes to the first tickets, so busy processes take turns;
 * - clients that disagree on the rate or burst get the strictest one seen in the last minute;
 * - when Redis has lost the state (restarted with nothing kept: the keys are gone and it started
 *   less than `hold` ago), nobody is granted a place until `hold` after it started: places granted
 *   before are unknown.
 *
 * Keys of one account and API share a hash tag, so the scripts work on a cluster too.
 */

/** The key of each piece of state, in the order the scripts take them. */
export const KEY_NAMES = ['places', 'queue', 'tickets', 'bucket', 'rates', 'epoch'] as const;

/** The shared Lua: the clock (Redis's, unless a test passes its own) and key expiry. */
const COMMON = `
local function clock(given)
  if given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function keep(ttl)
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
end
`;

/**
 * ARGV: now ('' for Redis's clock), place id, ticket, requestsPerSecond, burst, earliest arrival
 * (ms after the grant), lease (ms), hold after a restart (ms), ticket lease (ms), key TTL (ms),
 * events channel. Returns { granted (1|0), ms to wait before asking again (0 when granted) }.
 */
export const ACQUIRE = `${COMMON}
local now = clock(ARGV[1])
local place, ticket = ARGV[2], ARGV[3]
local rate, burst = tonumber(ARGV[4]), tonumber(ARGV[5])
local earliest, lease, hold = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local ticketLease, ttl, channel = tonumber(ARGV[9]), tonumber(ARGV[10]), ARGV[11]

-- When Redis started (the latest it can have), if the state is new: places granted before it are unknown.
local startedAt = tonumber(redis.call('GET', KEYS[6]) or '')
if not startedAt then
  local up = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)')) or 0
  startedAt = now - up * 1000
  redis.call('SET', KEYS[6], startedAt)
end

-- The strictest rate and burst any client asked for in the last minute.
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
redis.call('ZADD', KEYS[5], now + 60000, 'r:' .. ARGV[4])
redis.call('ZADD', KEYS[5], now + 60000, 'b:' .. ARGV[5])
for _, member in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
  local value = tonumber(string.sub(member, 3))
  if string.sub(member, 1, 1) == 'r' then
    if value < rate then rate = value end
  elseif value < burst then burst = value end
end
if burst > math.max(1, rate) then burst = math.max(1, rate) end
local limit = math.max(1, math.floor(rate))

-- The queue: tickets whose process stopped asking leave; this one keeps its place or joins last.
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[2], gone)
  redis.call('ZREM', KEYS[3], gone)
end
if not redis.call('ZSCORE', KEYS[2], ticket) then
  redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[4], 'seq', 1), ticket)
end
redis.call('ZADD', KEYS[3], now + ticketLease, ticket)
local rank = redis.call('ZRANK', KEYS[2], ticket)

-- The window at the server, and the bucket.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local arrival = now + earliest
local blocking = redis.call('ZCOUNT', KEYS[1], '(' .. arrival, '+inf')
local saved = redis.call('HMGET', KEYS[4], 'tokens', 'at')
local tokens = tonumber(saved[1]) or burst
local at = tonumber(saved[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)

local wait = 0
if now < startedAt + hold then
  wait = startedAt + hold - now
elseif rank >= limit - blocking then
  -- The window frees for this ticket when enough places stop blocking.
  local freed = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. arrival, '+inf', 'WITHSCORES', 'LIMIT', blocking - limit + rank, 1)
  wait = freed[2] and math.max(1, math.ceil(tonumber(freed[2]) - arrival)) or ticketLease
elseif tokens < rank + 1 - 1e-9 then
  wait = math.max(1, math.ceil((rank + 1 - tokens) * 1000 / rate))
end

if wait > 0 then
  redis.call('HSET', KEYS[4], 'tokens', tokens, 'at', now)
  keep(ttl)
  return { 0, wait }
end
redis.call('ZREM', KEYS[2], ticket)
redis.call('ZREM', KEYS[3], ticket)
redis.call('ZADD', KEYS[1], now + lease + 1000, place)
redis.call('HSET', KEYS[4], 'tokens', tokens - 1, 'at', now)
keep(ttl)
-- The next ticket may go now.
redis.call('PUBLISH', channel, 'granted')
return { 1, 0 }
`;

/**
 * ARGV: now ('' for Redis's clock), place id, ms since the request reached the server (at
 * least), events channel, key TTL. The place blocks until one second after that arrival.
 */
export const RELEASE = `${COMMON}
local now = clock(ARGV[1])
local blocksUntil = now - tonumber(ARGV[3]) + 1000
if blocksUntil > now then
  redis.call('ZADD', KEYS[1], blocksUntil, ARGV[2])
else
  redis.call('ZREM', KEYS[1], ARGV[2])
end
keep(tonumber(ARGV[5]))
redis.call('PUBLISH', ARGV[4], 'released')
return 1
`;

/** ARGV: ticket, events channel. A process with no one left waiting leaves the queue. */
export const LEAVE = `
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('PUBLISH', ARGV[2], 'left')
return 1
`;
