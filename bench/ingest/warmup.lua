-- wrk script: one request per visitor 0…CONTACTS-1 (spread over the threads), so the store has its
-- contacts before the measured runs. Stops issuing new visitors once all are done.
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local payloads = require("payloads")
local token = os.getenv("TOKEN")
local threads_total = tonumber(os.getenv("WRK_THREADS") or "2")
local next_contact

function setup(thread)
  thread:set("id", setup_count or 0)
  setup_count = (setup_count or 0) + 1
end

function init(args)
  next_contact = id
  wrk.method = "POST"
  wrk.path = "/collect/" .. token
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
end

function request()
  local c = next_contact
  next_contact = next_contact + threads_total
  if c >= payloads.contacts then c = math.random(payloads.contacts) - 1 end
  return wrk.format(nil, nil, nil, payloads.body(c, 1, "w" .. c))
end

local answered = 0
function response(status, headers, body)
  answered = answered + 1
  -- Every visitor of this thread has been seen: stop.
  if answered * threads_total >= payloads.contacts then wrk.thread:stop() end
end
