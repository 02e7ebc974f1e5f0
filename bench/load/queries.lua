-- wrk script of bench/load.sh: every request a /api/search with the next line
-- of the list given as the script's first argument (bench/queries/mixed.txt:
-- raw key=value pairs joined by '&'; '#' starts a comment), percent-encoded
-- here; each thread starts at another line; a share of the requests ask for a
-- second page, the newest-first sort or 20 hits, like the search page does.
local queries = {}
local index = 0

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local thread_number = 0
function setup(thread)
  thread:set("offset", thread_number * 97)
  thread_number = thread_number + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local pairs_out = {}
      for pair in line:gmatch("[^&]+") do
        local key, value = pair:match("^([^=]*)=(.*)$")
        if key then pairs_out[#pairs_out + 1] = encode(key) .. "=" .. encode(value) end
      end
      queries[#queries + 1] = table.concat(pairs_out, "&")
    end
  end
  index = (offset or 0) % #queries
end

local variants = { "", "", "", "&page=2", "&sort=newest", "&per_page=20" }

function request()
  index = index % #queries + 1
  local path = "/api/search?" .. queries[index] .. variants[index % #variants + 1]
  return wrk.format("GET", path)
end
