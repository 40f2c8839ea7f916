/**
 * Small geometry for the embedding scatters: the unit circle and sphere, margin wedges and circles
 * around class centres. Plain arrays, because they are few points and go straight to plotly.
 */

/** Points of the unit circle, `count` segments, closed. */
export function unitCircle(count = 256): { x: number[]; y: number[] } {
  const x = new Array<number>(count + 1);
  const y = new Array<number>(count + 1);
  for (let i = 0; i <= count; i++) {
    const t = (2 * Math.PI * i) / count;
    x[i] = Math.cos(t);
    y[i] = Math.sin(t);
  }
  return { x, y };
}

/**
 * A closed wedge from the origin over the arc [φ − m, φ + m] of the unit circle, φ the direction of
 * (cx, cy): where an embedding of that class must lie for its ArcFace target logit cos(θ + m) to
 * still beat a centre at angle θ + m.
 */
export function marginWedge(cx: number, cy: number, margin: number, count = 48): { x: number[]; y: number[] } {
  const phi = Math.atan2(cy, cx);
  const x = [0];
  const y = [0];
  for (let i = 0; i <= count; i++) {
    const t = phi - margin + (2 * margin * i) / count;
    x.push(Math.cos(t));
    y.push(Math.sin(t));
  }
  x.push(0);
  y.push(0);
  return { x, y };
}

/** The unit sphere as a (rows × cols) parametric surface grid. */
export function unitSphere(rows = 24, cols = 48): { x: number[][]; y: number[][]; z: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  const z: number[][] = [];
  for (let i = 0; i <= rows; i++) {
    const polar = (Math.PI * i) / rows;
    const xs = new Array<number>(cols + 1);
    const ys = new Array<number>(cols + 1);
    const zs = new Array<number>(cols + 1);
    for (let j = 0; j <= cols; j++) {
      const azimuth = (2 * Math.PI * j) / cols;
      xs[j] = Math.sin(polar) * Math.cos(azimuth);
      ys[j] = Math.sin(polar) * Math.sin(azimuth);
      zs[j] = Math.cos(polar);
    }
    x.push(xs);
    y.push(ys);
    z.push(zs);
  }
  return { x, y, z };
}

/**
 * The circle on the unit sphere at angle `margin` from the direction of c (3 coordinates): the
 * points cos m·ĉ + sin m·(cos t·u + sin t·v) for an orthonormal u, v ⟂ ĉ. Empty for c = 0.
 */
export function marginCircle(c: readonly number[], margin: number, count = 96): { x: number[]; y: number[]; z: number[] } {
  const norm = Math.hypot(c[0], c[1], c[2]);
  if (norm === 0) return { x: [], y: [], z: [] };
  const n = [c[0] / norm, c[1] / norm, c[2] / norm];
  // u: any unit vector ⟂ n, from the axis n is least aligned with; v = n × u.
  const a = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const dot = a[0] * n[0] + a[1] * n[1] + a[2] * n[2];
  const u0 = [a[0] - dot * n[0], a[1] - dot * n[1], a[2] - dot * n[2]];
  const un = Math.hypot(u0[0], u0[1], u0[2]);
  const u = [u0[0] / un, u0[1] / un, u0[2] / un];
  const v = [n[1] * u[2] - n[2] * u[1], n[2] * u[0] - n[0] * u[2], n[0] * u[1] - n[1] * u[0]];
  const cm = Math.cos(margin);
  const sm = Math.sin(margin);
  const x = new Array<number>(count + 1);
  const y = new Array<number>(count + 1);
  const z = new Array<number>(count + 1);
  for (let i = 0; i <= count; i++) {
    const t = (2 * Math.PI * i) / count;
    const ct = Math.cos(t);
    const st = Math.sin(t);
    x[i] = cm * n[0] + sm * (ct * u[0] + st * v[0]);
    y[i] = cm * n[1] + sm * (ct * u[1] + st * v[1]);
    z[i] = cm * n[2] + sm * (ct * u[2] + st * v[2]);
  }
  return { x, y, z };
}
