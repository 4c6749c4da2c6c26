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
for _ = 1, (tonumber(arg[1]) or 200000) do advance(bodies, 0.01) end
print("n-body", string.format("%0.9f", energy(bodies)))
