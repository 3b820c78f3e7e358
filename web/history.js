// Time travel for one simulation, without the DOM (tested in node against the
// real wasm: web/tests/history.test.mjs).
//
// The history is a list of checkpoints, each an independent `clone()` of the
// simulation at a simulated instant: `{ time, sim, cmd, events, script?, from? }`.
// Travelling to an instant restores the nearest earlier checkpoint and
// advances from it. That is only right if no command ran in between, so:
//   - a checkpoint is taken after every command (`cmd: true`), and thinning
//     never removes those;
//   - a multi-line exec (`run 3s / put x 1 / run 1s`) that moves time also
//     keeps the state just before it, and the checkpoint after it remembers
//     its text (`script`, `from`), so travelling into it replays its commands
//     one at a time up to the target;
//   - a loaded scenario gets one checkpoint per command by loading each
//     prefix of its text (`Simulation(prefix)` is exactly the state after
//     that command).
// Which lines are commands, and how much time each may take, comes from the
// real parser (raft-wasm `inspect_script` / `Simulation.inspect`).
//
// `events` on a checkpoint are the trace events of the RECENT_MS before it,
// so the page's "what happened" list and flashes are not blank after a jump.

export class History {
  /**
   * `wasm`: the raft-wasm module (for `Simulation` and `inspect_script`).
   * Options: everyMs (a plain checkpoint at most this often), max (at most
   * this many checkpoints), recentMs (events kept per checkpoint),
   * replayBudgetMs (simulated time the prefix replays of a loaded scenario may
   * take, for 5 servers; scaled down for more).
   */
  constructor(wasm, { everyMs = 500, max = 48, recentMs = 2000, replayBudgetMs = 300000 } = {}) {
    this.wasm = wasm;
    this.everyMs = everyMs;
    this.max = max;
    this.recentMs = recentMs;
    this.replayBudgetMs = replayBudgetMs;
    this.list = [];
  }

  get length() { return this.list.length; }

  /** Earliest and latest recorded instants ({ min, max }), or null when empty. */
  span() {
    if (!this.list.length) return null;
    return { min: this.list[0].time, max: this.list[this.list.length - 1].time };
  }

  /** Forget every checkpoint (frees their simulations). */
  clear() {
    for (const c of this.list) freeQuietly(c.sim);
    this.list = [];
  }

  /**
   * After loading `text` (now running in `sim`, at its end): a checkpoint
   * after each command, by loading each prefix. Skipped (only the end is kept)
   * when the replays would cost more than the budget. `recent` = the events
   * the page shows at the end.
   */
  fromScenario(text, sim, recent = []) {
    this.clear();
    const end = Number(sim.time_ms());
    const info = this.wasm.inspect_script(text);
    const lines = String(text).split('\n');
    const cmds = info.commands;
    if (cmds.length >= 2 && cmds.length <= 400) {
      // Every command needs a checkpoint right after it (travel advances from
      // a checkpoint and would skip a command in between), so with many
      // commands the history starts later rather than skipping some.
      const first = Math.max(0, cmds.length - this.max);
      const budget = this.replayBudgetMs * 5 / Math.max(5, info.cluster);
      // Upper bound of the simulated time replaying prefix k takes: the
      // durations of its commands (run D, await … within D).
      let upTo = 0;
      const bound = cmds.map((c) => (upTo += c.ms));
      let cost = 0;
      for (let k = first; k < cmds.length - 1; k++) cost += bound[k];
      if (cost <= budget) this._prefixCheckpoints(lines, cmds, first, end);
    }
    this.list.push({ time: end, sim: sim.clone(), cmd: true, events: recent.slice() });
  }

  _prefixCheckpoints(lines, cmds, first, end) {
    const cps = [];
    try {
      for (let k = first; k < cmds.length - 1; k++) {
        const prefix = lines.slice(0, cmds[k].line).join('\n') + '\n';
        let sim;
        try {
          sim = new this.wasm.Simulation(prefix);
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) throw e; // a trap, not a prefix that does not parse alone
          continue;
        }
        const time = Number(sim.time_ms());
        // Several commands at one instant: keep the last (it is what time travel to that instant means).
        if (cps.length && cps[cps.length - 1].time === time) cps.pop().sim.free();
        if (time >= end || (cps.length && cps[cps.length - 1].time > time)) { sim.free(); continue; }
        const events = (sim.events() || []).filter((e) => e.time_ms >= time - this.recentMs);
        cps.push({ time, sim, cmd: true, events });
      }
    } catch (e) {
      for (const c of cps) freeQuietly(c.sim);
      throw e;
    }
    this.list = cps;
  }

  /**
   * Before `sim.exec(src)`: when `src` holds several commands (they happen at
   * several instants) a clone of the state just before them, else null.
   * Throws the parser's `line:col` error for a bad `src`.
   */
  beforeExec(sim, src) {
    return sim.inspect(src).commands.length > 1 ? sim.clone() : null;
  }

  /**
   * After `sim.exec(src)` ran at `before` (ms), with `pre` from beforeExec:
   * the recorded future after `before` is dropped, and the checkpoints that
   * make travelling into the exec exact are added. `recent` = events shown now.
   */
  afterExec(sim, src, before, pre, recentBefore, recentNow) {
    this.dropFuture(before);
    const spans = pre && Number(sim.time_ms()) > before;
    if (spans) {
      const cps = this.list;
      if (cps.length && cps[cps.length - 1].time === before) cps.pop().sim.free();
      cps.push({ time: before, sim: pre, cmd: true, events: recentBefore.slice() });
    } else if (pre) {
      pre.free();
    }
    this.record(sim, recentNow, true, spans ? { script: src, from: before } : null);
  }

  /** Time moves or a command runs from a travelled-to past: the recorded future no longer applies. */
  dropFuture(from) {
    const cps = this.list;
    if (!cps.length || cps[cps.length - 1].time <= from) return;
    for (const c of cps) if (c.time > from) c.sim.free();
    this.list = cps.filter((c) => c.time <= from);
  }

  /**
   * Remember a clone of `sim` for time travel: always after a command
   * (`afterCommand`, replacing one at the same instant), else at most every
   * `everyMs`. Over `max`, plain checkpoints are thinned out.
   */
  record(sim, recent, afterCommand = false, extra = null) {
    const now = Number(sim.time_ms());
    let cps = this.list;
    const last = cps.length ? cps[cps.length - 1] : null;
    if (last && now < last.time) return;
    if (afterCommand) {
      if (last && last.time === now) cps.pop().sim.free();
    } else if (last && now - last.time < this.everyMs) return;
    cps.push({ time: now, sim: sim.clone(), cmd: afterCommand, events: recent.slice(), ...extra });
    if (cps.length > this.max) {
      // Keep every other plain (time-only) checkpoint, so the history spans
      // the whole run at a coarser grain.
      let plain = 0;
      cps = cps.filter((c, i) => {
        if (c.cmd || i === 0 || i === cps.length - 1) return true;
        if (plain++ % 2 === 1) return true;
        c.sim.free();
        return false;
      });
      // Still too many (many commands): the history starts later.
      while (cps.length > this.max) cps.shift().sim.free();
      this.list = cps;
    }
  }

  /**
   * A new simulation at simulated time `target` (clamped to ≥ 0), rebuilt
   * from the checkpoints: `{ sim, recent, events }` — `recent` the
   * checkpoint's remembered events, `events` those between it and the target.
   * The caller owns `sim` (and frees its old one). Null when there is no
   * checkpoint. Checkpoints after the target stay, so one can travel forward
   * again until time moves or a command runs (dropFuture).
   */
  travel(target) {
    if (!this.list.length) return null;
    target = Math.max(0, Math.floor(target));
    let cp = null, after = null;
    for (const c of this.list) {
      if (c.time <= target) cp = c;
      else if (!after) after = c;
    }
    if (!cp) cp = this.list[0];
    let sim = cp.sim.clone();
    sim.events(); // drained: the checkpoint keeps its own recent events
    if (after && after.script && after.from === cp.time) {
      // The target lies inside one multi-line exec: replay its commands one
      // at a time up to the target, as plain advancing would skip those that
      // fall before it.
      sim = replayUntil(sim, after.script, target);
    }
    const ahead = target - Number(sim.time_ms());
    if (ahead > 0) sim.advance(ahead);
    return { sim, recent: (cp.events || []).slice(), events: sim.events() || [] };
  }
}

/**
 * Run the commands of `script` on `sim` one by one while they end at or
 * before `target` (a trial clone per command: a `run` or `await` that would
 * cross the target is left out, and the caller advances the rest). Returns the
 * simulation to keep (the input is freed when replaced).
 */
export function replayUntil(sim, script, target) {
  const lines = String(script).split('\n');
  let info;
  try { info = sim.inspect(script); } catch (_) { return sim; }
  for (const c of info.commands) {
    const trial = sim.clone();
    try { trial.exec(lines[c.line - 1]); } catch (_) { trial.free(); break; }
    if (Number(trial.time_ms()) > target) { trial.free(); break; }
    sim.free();
    sim = trial;
  }
  return sim;
}

function freeQuietly(sim) {
  try { sim.free(); } catch (_) { /* already freed or poisoned */ }
}
