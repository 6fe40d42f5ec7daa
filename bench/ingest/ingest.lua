-- wrk script: tracking-script requests to /collect/<TOKEN> with EVENTS events each (default 1), for
-- random visitors among CONTACTS. (Latency at a fixed rate is measured by starling-loadgen instead:
-- wrk has no open-loop mode.)
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local payloads = require("payloads")

local token = os.getenv("TOKEN")
local events = tonumber(os.getenv("EVENTS") or "1")
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
  math.randomseed(os.time() * 1000 + id)
  wrk.method = "POST"
  wrk.path = "/collect/" .. token
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
end

function request()
  counter = counter + 1
  local c = math.random(payloads.contacts)
  return wrk.format(nil, nil, nil, payloads.body(c, events, thread_id .. "-" .. counter .. "-" .. math.random(1e9)))
end

local bad = 0
function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end
