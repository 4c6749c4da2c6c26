-- Deterministic checks of the Lua interpreter: output compared with a native build.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(24))
local t = {}
for i = 1, 2000 do t[i] = (i * 7919) % 1009 end
table.sort(t)
print("sort", t[1], t[500], t[2000], #t)
local parts = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do
  parts[#parts + 1] = w:upper():reverse()
end
print("gmatch", table.concat(parts, ","))
print("format", string.format("%5.2f|%-6d|%x|%q|%g|%e", math.pi, 42, 255, "a\nb", 1e300, 12345.678))
print("gsub", (("hello world"):gsub("o", {o = "0"})))
print("int", math.maxinteger, math.mininteger, 7 // 2, -7 // 2, 7 % -3, 2^53, 1 << 62)
print("float", 0.1 + 0.2, 1 / 3, math.sqrt(2), math.floor(-3.5), math.fmod(7, 3), 3 / 0, -(0/0) ~= -(0/0))
local co = coroutine.wrap(function(a)
  local s = a
  for i = 1, 5 do s = s + coroutine.yield(s) end
  return s * 100
end)
local r = {}
r[1] = co(1)
for i = 2, 6 do r[i] = co(i) end
print("coroutine", table.concat(r, " "))
local ok, err = pcall(function() error({code = 7}) end)
print("pcall", ok, type(err), err.code)
print("pcall2", pcall(error, "msg", 0))
local mt = setmetatable({}, {__index = function(_, k) return k * 2 end, __call = function(_, x) return x + 1 end})
print("meta", mt[21], mt(41))
local big = {}
for i = 1, 200000 do big[i] = tostring(i) end
print("strings", #table.concat(big), collectgarbage("count") > 0)
big = nil
collectgarbage()
local s = string.rep("ab", 100000)
print("rep", #s, s:sub(-3), select("#", string.byte(s, 1, 100)))
print("utf8", utf8.char(72, 228, 8364, 128512), utf8.len("häll€"))
print("pack", string.unpack("<i4 d s1", string.pack("<i4 d s1", -5, 2.5, "xyz")))
local f = assert(io.open("lua-test-out.txt", "w"))
for i = 1, 100 do f:write(i, "\n") end
f:close()
local sum = 0
for line in io.lines("lua-test-out.txt") do sum = sum + tonumber(line) end
print("io", sum)
os.remove("lua-test-out.txt")
print("os", type(os.time()), type(os.clock()), os.getenv("LFI_TEST_UNSET"))
