local function bottomup(d)
  if d == 0 then return {} end
  d = d - 1
  return {bottomup(d), bottomup(d)}
end
local function check(t) if t[1] then return 1 + check(t[1]) + check(t[2]) end return 1 end
local N = tonumber(arg[1]) or 16
local long = bottomup(N)
for d = 4, N, 2 do
  local iters, sum = 1 << (N - d + 4), 0
  for _ = 1, iters do sum = sum + check(bottomup(d)) end
  print(d, iters, sum)
end
print(check(long))
