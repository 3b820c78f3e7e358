// What the node benches share: the median wall time of a call.

/** The median wall time, in ms, of `n` calls of `f`. */
export function median(n, f) {
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(n / 2)];
}
