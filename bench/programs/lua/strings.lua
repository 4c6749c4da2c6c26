-- string building, pattern matching, formatting and hashing of keys
local N = tonumber(arg[1]) or 200000
local t, count = {}, {}
for i = 1, N do
  local s = string.format("%08x:%s", (i * 2654435761) % 4294967296, ("k" .. i % 1000))
  t[#t + 1] = s
  local k = s:match(":(k%d+)")
  count[k] = (count[k] or 0) + 1
end
local joined = table.concat(t, ",")
local n = 0
for w in joined:gmatch("[^,]+") do if w:find("ff", 1, true) then n = n + 1 end end
local up = joined:sub(1, 100000):upper():gsub("K", "q")
print(#joined, n, count["k7"], #up)
