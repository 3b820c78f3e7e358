// Pointer input on the ring canvas (mouse, pen and touch alike): a click or
// tap on a server, a message or a link; hover for the renderer's tooltip; and,
// in partition mode, dragging servers into groups. It decides nothing about
// the simulation: the element gets each gesture through the callbacks.
//
//   wireCanvasInput(canvas, {
//     ring(),            // the ring renderer (hitTest), or null while nothing is drawn
//     partitioning(),    // is the partition editor open?
//     hover(hit),        // the pointer is over `hit` (or null)
//     drag(d),           // a server is being dragged: { id, x, y }, or null when it ends
//     drop(id, x, y, moved), // partition mode: a server was dropped (moved) or tapped
//     click(hit, x, y),  // a click or tap that did not move
//   })
// The listeners are on the canvas itself (inside the element's shadow root),
// so they go with it.

const DRAG_START_PX = 4;   // partition mode: moving this far starts a drag
const CLICK_SLOP_PX = 6;   // a press that moves further is not a click

export function wireCanvasInput(canvas, on) {
  const pos = (e) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  let down = null; // { x, y, hit, moved }
  const dragsNode = (d) => on.partitioning() && d && d.hit && d.hit.kind === 'node';

  canvas.addEventListener('pointerdown', (e) => {
    const ring = on.ring();
    if (!ring) return;
    const [x, y] = pos(e);
    down = { x, y, hit: ring.hitTest(x, y), moved: false };
    if (dragsNode(down)) canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    const ring = on.ring();
    if (!ring) return;
    const [x, y] = pos(e);
    if (dragsNode(down)) {
      if (Math.hypot(x - down.x, y - down.y) > DRAG_START_PX) down.moved = true;
      if (down.moved) on.drag({ id: down.hit.id, x, y });
      return;
    }
    const hit = ring.hitTest(x, y);
    on.hover(hit);
    canvas.style.cursor = hit ? 'pointer' : 'default';
  });
  canvas.addEventListener('pointerleave', () => { if (!down) on.hover(null); });
  canvas.addEventListener('pointerup', (e) => {
    if (!down) return;
    const d = down;
    down = null;
    const [x, y] = pos(e);
    if (dragsNode(d)) {
      on.drag(null);
      on.drop(d.hit.id, x, y, d.moved);
      return;
    }
    if (Math.hypot(x - d.x, y - d.y) > CLICK_SLOP_PX) return;
    on.click(d.hit, x, y);
  });
  canvas.addEventListener('pointercancel', () => { down = null; on.drag(null); });
}
