-- Small versions of the benchmark programs (binary-trees, n-body,
-- spectral-norm, fannkuch): their results are deterministic.
local function bottomup(d)
  if d == 0 then return {} end
  d = d - 1
  return {bottomup(d), bottomup(d)}
end
local function check(t) if t[1] then return 1 + check(t[1]) + check(t[2]) end return 1 end
print("binary-trees", check(bottomup(14)))

local function A(i, j) local ij = i + j - 1 return 1.0 / (ij * (ij - 1) * 0.5 + i) end
local function Av(x, y, N) for i = 1, N do local a = 0 for j = 1, N do a = a + x[j] * A(i, j) end y[i] = a end end
local function Atv(x, y, N) for i = 1, N do local a = 0 for j = 1, N do a = a + x[j] * A(j, i) end y[i] = a end end
local N = 100
local u, v, t = {}, {}, {}
for i = 1, N do u[i] = 1 end
for _ = 1, 10 do Av(u, t, N) Atv(t, v, N) Av(v, t, N) Atv(t, u, N) end
local vBv, vv = 0, 0
for i = 1, N do vBv = vBv + u[i] * v[i] vv = vv + v[i] * v[i] end
print("spectral-norm", string.format("%0.9f", math.sqrt(vBv / vv)))

local function fannkuch(n)
  local p, q, s, sign, maxflips, sum = {}, {}, {}, 1, 0, 0
  for i = 1, n do p[i] = i q[i] = i s[i] = i end
  repeat
    local q1 = p[1]
    if q1 ~= 1 then
      for i = 2, n do q[i] = p[i] end
      local flips = 1
      repeat
        local qq = q[q1]
        if qq == 1 then sum = sum + sign * flips if flips > maxflips then maxflips = flips end break end
        q[q1] = q1
        if q1 >= 4 then local i, j = 2, q1 - 1 repeat q[i], q[j] = q[j], q[i] i = i + 1 j = j - 1 until i >= j end
        q1 = qq flips = flips + 1
      until false
    end
    if sign == 1 then p[2], p[1] = p[1], p[2] sign = -1
    else p[2], p[3] = p[3], p[2] sign = 1
      for i = 3, n do
        local sx = s[i]
        if sx ~= 1 then s[i] = sx - 1 break end
        if i == n then return sum, maxflips end
        s[i] = i
        local t = p[1] for j = 1, i do p[j] = p[j + 1] end p[i + 1] = t
      end
    end
  until false
end
print("fannkuch", fannkuch(8))

local sqrt = math.sqrt
local PI, SOLAR_MASS, DPY = math.pi, 4 * math.pi * math.pi, 365.24
local bodies = {
  {x=0,y=0,z=0,vx=0,vy=0,vz=0,mass=SOLAR_MASS},
  {x=4.84143144246472090e+00,y=-1.16032004402742839e+00,z=-1.03622044471123109e-01,vx=1.66007664274403694e-03*DPY,vy=7.69901118419740425e-03*DPY,vz=-6.90460016972063023e-05*DPY,mass=9.54791938424326609e-04*SOLAR_MASS},
  {x=8.34336671824457987e+00,y=4.12479856412430479e+00,z=-4.03523417114321381e-01,vx=-2.76742510726862411e-03*DPY,vy=4.99852801234917238e-03*DPY,vz=2.30417297573763929e-05*DPY,mass=2.85885980666130812e-04*SOLAR_MASS},
}
local function energy(b)
  local e = 0
  for i = 1, #b do
    local bi = b[i]
    e = e + 0.5 * bi.mass * (bi.vx^2 + bi.vy^2 + bi.vz^2)
    for j = i + 1, #b do
      local bj = b[j]
      local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
      e = e - bi.mass * bj.mass / sqrt(dx*dx + dy*dy + dz*dz)
    end
  end
  return e
end
local function advance(b, dt)
  for i = 1, #b do
    local bi = b[i]
    for j = i + 1, #b do
      local bj = b[j]
      local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
      local d2 = dx*dx + dy*dy + dz*dz
      local mag = dt / (d2 * sqrt(d2))
      bi.vx = bi.vx - dx * bj.mass * mag bi.vy = bi.vy - dy * bj.mass * mag bi.vz = bi.vz - dz * bj.mass * mag
      bj.vx = bj.vx + dx * bi.mass * mag bj.vy = bj.vy + dy * bi.mass * mag bj.vz = bj.vz + dz * bi.mass * mag
    end
  end
  for i = 1, #b do local bi = b[i] bi.x = bi.x + dt * bi.vx bi.y = bi.y + dt * bi.vy bi.z = bi.z + dt * bi.vz end
end
print("n-body", string.format("%0.9f", energy(bodies)))
for _ = 1, 20000 do advance(bodies, 0.01) end
print("n-body", string.format("%0.9f", energy(bodies)))
