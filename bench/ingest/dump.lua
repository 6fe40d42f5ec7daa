-- wrk script that writes request bodies for starling-loadgen (bench/ingest/loadgen.cc) and sends
-- nothing of interest: the first thread's init() writes BODIES bodies of EVENTS events each (the same
-- realistic payloads as ingest.lua, bench/ingest/payloads.lua) to BODIES_FILE, one per line, with
-- "@SEQ@" where a unique number goes (purchase ids). Run it for a second against any server.
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local payloads = require("payloads")

local out = os.getenv("BODIES_FILE")
local count = tonumber(os.getenv("BODIES") or "50000")
local events = tonumber(os.getenv("EVENTS") or "1")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  if id ~= 1 then return end
  math.randomseed(42)
  local f = assert(io.open(out, "w"))
  for _ = 1, count do f:write(payloads.body(math.random(payloads.contacts), events, "@SEQ@"), "\n") end
  f:close()
end
