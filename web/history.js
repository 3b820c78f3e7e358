// Time travel for one simulation, without the DOM (tested in node against the
// real wasm: web/tests/history.test.mjs).
//
// The history is two lists:
//  - the commands that ran (`ops`: `{ at, end, src }`, the text one `exec`
//    ran at simulated time `at`, which had moved time to `end` when it
//    returned), numbered from the start of the history;
//  - checkpoints (`list`: `{ time, sim, seq, bytes, events }`), each an
//    independent `clone()` of the simulation at `time`, after the first `seq`
//    commands.
// Travelling to an instant takes the nearest checkpoint at or before it and
// replays from there: advance to each later command's instant, run it, and
// advance the rest of the way. The simulation is deterministic, so that is
// exactly the state the run had there, however far the checkpoint is — which
// is why checkpoints can be thinned freely: a sparse stretch of history costs
// replay time, never exactness.
//
// Memory budget: a checkpoint holds a whole copy of the simulation, and a
// long run's copies are large (every log, the client history), so the
// history keeps at most `max` checkpoints and about `budgetBytes` of them.
// Over either, it drops the checkpoint whose loss matters least: the one
// whose neighbours are closest together for its age. So recent history stays
// dense (a scrub near now replays little) and older history gets sparser —
// but never sparser than one checkpoint per `maxGapMs`, which bounds what a
// seek replays: rather than that, the first checkpoint goes and the history
// reaches less far back. `reach()` says how far back it reaches and what it holds.
//
// A loaded scenario runs to its end at once, so its interesting moments lie
// in the past: `fromScenario` gives it a checkpoint after each command by
// loading each prefix of its text (`Simulation(prefix)` is exactly the state
// after that command) and records the lines between two checkpoints as the
// command that leads from one to the other. Which lines are commands, and
// how much simulated time each may take, comes from the real parser
// (raft-wasm `inspect_script` / `Simulation.inspect`).
//
// `events` on a checkpoint are the trace events of the `recentMs` before it,
// so the page's "what happened" list and flashes are not blank after a jump.
//
// A command that moves time (`run`, `await`, `load`) and reaches past the
// target runs only up to it (raft-wasm `exec_until`): travelling into the
// middle of `load put 100/s for 60s` shows the puts made by then.

const MIB = 1024 * 1024;

export class History {
  /**
   * `wasm`: the raft-wasm module (for `Simulation` and `inspect_script`).
   * Options: everyMs (a plain checkpoint at most this often), max (at most
   * this many checkpoints), budgetBytes (about this many bytes of them, as
   * `sizeOf` estimates), maxGapMs (thinning never leaves a longer stretch
   * without a checkpoint, as a seek replays up to that much; the history
   * reaches less far back instead), recentMs (events kept per checkpoint),
   * replayBudgetMs (simulated time the prefix replays of a loaded scenario may
   * take, for 5 servers; scaled down for more), sizeOf(sim, view) (a
   * checkpoint's bytes; `estimateBytes` by default), cloneRatio (see below).
   */
  constructor(wasm, {
    everyMs = 500, max = 256, budgetBytes = 24 * MIB, maxGapMs = 30000, recentMs = 2000, replayBudgetMs = 300000,
    sizeOf = estimateBytes, cloneRatio = 50,
  } = {}) {
    this.wasm = wasm;
    this.everyMs = everyMs;
    this.max = max;
    this.maxGapMs = maxGapMs;
    this.budgetBytes = budgetBytes;
    this.recentMs = recentMs;
    this.replayBudgetMs = replayBudgetMs;
    this.sizeOf = sizeOf;
    // A plain checkpoint also waits at least cloneRatio × the last clone's
    // wall time in simulated ms, so cloning a big simulation stays a small
    // part of the work at any speed (at 1×, 2 %).
    this.cloneRatio = cloneRatio;
    this._cloneMs = 0;
    this.list = [];
    this.ops = [];
    this.opsFrom = 0;    // the number of the first command in `ops`
    this.bytes = 0;      // the checkpoints' estimated bytes, summed
    this.dropped = 0;    // checkpoints thinned out so far
    this._cursor = null; // where the last travel landed (see dropFuture)
  }

  get length() { return this.list.length; }

  /** The number of the next command (how many have run since the history began). */
  get seq() { return this.opsFrom + this.ops.length; }

  /** Earliest and latest recorded instants ({ min, max }), or null when empty. */
  span() {
    if (!this.list.length) return null;
    return { min: this.list[0].time, max: this.list[this.list.length - 1].time };
  }

  /**
   * How far back the history reaches and what it costs: `{ from, to,
   * checkpoints, bytes, budgetBytes, thinned }` (`thinned`: checkpoints
   * dropped for the budget so far), or null when empty.
   */
  reach() {
    const s = this.span();
    if (!s) return null;
    return { from: s.min, to: s.max, checkpoints: this.list.length, bytes: this.bytes, budgetBytes: this.budgetBytes, thinned: this.dropped };
  }

  /** Forget every checkpoint (frees their simulations) and every command. */
  clear() {
    for (const c of this.list) freeQuietly(c.sim);
    this.list = [];
    this.ops = [];
    this.opsFrom = 0;
    this.bytes = 0;
    this.dropped = 0;
    this._cursor = null;
  }

  /**
   * After loading `text` (now running in `sim`, at its end): a checkpoint
   * after each command, by loading each prefix. Skipped (only the end is kept)
   * when the replays would cost more than the budget. `recent` = the events
   * the page shows at the end; `view` = its view model, if at hand.
   */
  fromScenario(text, sim, recent = [], view = null) {
    this.clear();
    const end = Number(sim.time_ms());
    const info = this.wasm.inspect_script(text);
    const lines = String(text).split('\n');
    const cmds = info.commands;
    if (cmds.length >= 2 && cmds.length <= 400) {
      // Travel into the scenario replays from the nearest prefix; with many
      // commands the history starts later rather than loading every prefix.
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
    // The lines after the last prefix checkpoint lead to the end (if they
    // do not run as one exec there, the history starts at the end).
    const last = this.list[this.list.length - 1];
    if (last) {
      const src = lines.slice(last.line, lines.length).join('\n');
      try {
        last.sim.inspect(src);
        this._pushOp(last.time, end, src);
      } catch (_) {
        this.clear();
      }
    }
    this._push(sim, end, recent, view);
  }

  _prefixCheckpoints(lines, cmds, first, end) {
    const cps = [];
    try {
      for (let k = first; k < cmds.length - 1; k++) {
        const upTo = cmds[k].line; // the prefix is lines 1 ..= upTo
        const prefix = lines.slice(0, upTo).join('\n') + '\n';
        let sim;
        try {
          sim = new this.wasm.Simulation(prefix);
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) throw e; // a trap, not a prefix that does not parse alone
          continue; // its lines join the next checkpoint's command
        }
        const time = Number(sim.time_ms());
        if (time >= end) { sim.free(); break; }
        // Several commands at one instant: keep the last (it is what time travel to that instant means).
        if (cps.length && cps[cps.length - 1].time === time) cps.pop().sim.free();
        const prev = cps[cps.length - 1];
        if (prev) {
          // The lines from the previous checkpoint to this one must run as
          // one exec on that state, or travel could not replay them: if they
          // do not, the history starts here.
          const src = lines.slice(prev.line, upTo).join('\n');
          try {
            prev.sim.inspect(src);
          } catch (_) {
            for (const c of cps) c.sim.free();
            cps.length = 0;
          }
        }
        const events = (sim.events() || []).filter((e) => e.time_ms >= time - this.recentMs);
        cps.push({ time, sim, line: upTo, events });
      }
    } catch (e) {
      for (const c of cps) freeQuietly(c.sim);
      throw e;
    }
    // In order: the commands between consecutive prefixes, then the checkpoints.
    cps.forEach((c, i) => {
      if (i > 0) this._pushOp(cps[i - 1].time, c.time, lines.slice(cps[i - 1].line, c.line).join('\n'));
      this.list.push({ time: c.time, sim: c.sim, seq: this.seq, bytes: 0, events: c.events, line: c.line });
    });
    for (const c of this.list) { c.bytes = this.sizeOf(c.sim, null); this.bytes += c.bytes; }
  }

  /**
   * Before `sim.exec(src)`: checks that `src` reads as commands (throws the
   * parser's `line:col` error otherwise). Nothing to keep: travel replays the
   * commands from the nearest checkpoint.
   */
  beforeExec(sim, src) {
    sim.inspect(src);
    return null;
  }

  /**
   * After `sim.exec(src)` ran at `before` (ms): the recorded future after
   * `before` is dropped and the command is remembered (travel replays it); a
   * checkpoint is taken as after any change (at most every `everyMs`: a
   * checkpoint per command would cost a clone per click, or ten a second
   * under a client load, for nothing travel needs). `recentNow` = events
   * shown now; `view` = the view model now, if at hand (for the size).
   */
  afterExec(sim, src, before, recentNow = [], view = null) {
    this.dropFuture(before);
    this._pushOp(before, Number(sim.time_ms()), String(src));
    this.record(sim, recentNow, false, view);
  }

  _pushOp(at, end, src) {
    this.ops.push({ at, end, src });
  }

  /**
   * Time moves or a command runs from `from` (a travelled-to past, or the
   * present): the recorded future no longer applies. When `from` is where the
   * last travel landed, the commands kept are the ones that travel ran
   * (including the first part of a multi-line exec it stopped inside).
   */
  dropFuture(from) {
    const cps = this.list;
    const cursor = this._cursor;
    this._cursor = null;
    if (!cps.length || cps[cps.length - 1].time <= from) return;
    for (const c of cps) if (c.time > from) { c.sim.free(); this.bytes -= c.bytes; }
    this.list = cps.filter((c) => c.time <= from);
    if (cursor && cursor.time === from) {
      this.ops.length = Math.max(0, cursor.seq - this.opsFrom);
      if (cursor.partial) this._pushOp(cursor.partial.at, cursor.partial.end, cursor.partial.src);
    } else {
      while (this.ops.length && this.ops[this.ops.length - 1].at > from) this.ops.pop();
    }
    if (!this.list.length) this.clear();
  }

  /**
   * Remember a clone of `sim` for time travel: always after a command
   * (`afterCommand`, replacing one at the same instant), else at most every
   * `everyMs`. Then thin to the budget. `view` (optional) = the view model
   * of `sim` now, which the size estimate reads.
   */
  record(sim, recent, afterCommand = false, view = null) {
    const now = Number(sim.time_ms());
    const last = this.list.length ? this.list[this.list.length - 1] : null;
    if (last && now < last.time) return;
    if (afterCommand) {
      if (last && last.time === now) {
        this.list.pop();
        last.sim.free();
        this.bytes -= last.bytes;
      }
    } else if (last && now - last.time < Math.max(this.everyMs, this._cloneMs * this.cloneRatio)) return;
    this._push(sim, now, recent, view);
  }

  _push(sim, time, recent, view) {
    const bytes = this.sizeOf(sim, view);
    const t0 = wallMs();
    const copy = sim.clone();
    this._cloneMs = wallMs() - t0;
    this.list.push({ time, sim: copy, seq: this.seq, bytes, events: recent.slice() });
    this.bytes += bytes;
    this._thin(time);
  }

  /**
   * Over `max` checkpoints or `budgetBytes`: drop the inner checkpoint whose
   * neighbours are closest together for its age (so the spacing grows with
   * age) as long as that leaves no gap over `maxGapMs`; else the first one
   * (the history then reaches less far back). The newest always stays.
   */
  _thin(now) {
    const cps = this.list;
    const slack = this.everyMs * 4; // recent checkpoints are not all equally precious either
    while (cps.length > 1 && (cps.length > this.max || this.bytes > this.budgetBytes)) {
      let victim = 0;
      let best = Infinity;
      for (let i = 1; i < cps.length - 1; i++) {
        const gap = cps[i + 1].time - cps[i - 1].time;
        if (gap > this.maxGapMs) continue;
        const score = gap / (now - cps[i].time + slack);
        if (score < best) { best = score; victim = i; }
      }
      const [c] = cps.splice(victim, 1);
      freeQuietly(c.sim);
      this.bytes -= c.bytes;
      this.dropped++;
    }
    // Commands before the first checkpoint can no longer be replayed to.
    const keepFrom = cps.length ? cps[0].seq : this.seq;
    if (keepFrom > this.opsFrom) {
      this.ops.splice(0, keepFrom - this.opsFrom);
      this.opsFrom = keepFrom;
    }
  }

  /**
   * A new simulation at simulated time `target` (clamped to the history's
   * reach), rebuilt from the nearest checkpoint at or before it and the
   * commands after it: `{ sim, recent, events }` — `recent` the checkpoint's
   * remembered events, `events` those between it and the target. The caller
   * owns `sim` (and frees its old one). Null when there is no checkpoint.
   * Checkpoints after the target stay, so one can travel forward again until
   * time moves or a command runs (dropFuture).
   */
  travel(target) {
    if (!this.list.length) return null;
    target = Math.max(0, Math.floor(target));
    let cp = this.list[0];
    for (const c of this.list) if (c.time <= target) cp = c; else break;
    let sim = cp.sim.clone();
    sim.events(); // drained: the checkpoint keeps its own recent events
    let seq = cp.seq;
    let partial = null;
    try {
      for (let i = seq - this.opsFrom; i < this.ops.length; i++) {
        const op = this.ops[i];
        if (op.at > target) break;
        const gap = op.at - Number(sim.time_ms());
        if (gap > 0) sim.advance(gap);
        if (op.end <= target) {
          sim.exec(op.src);
          seq++;
        } else {
          // The target lies inside this exec: run it up to the target (the
          // command that crosses it only its first part: raft-wasm
          // `exec_until`), and remember what ran in case the reader acts here.
          const ran = sim.exec_until(op.src, target).trimEnd();
          if (ran) partial = { at: op.at, end: Number(sim.time_ms()), src: ran };
          break;
        }
      }
      const ahead = target - Number(sim.time_ms());
      if (ahead > 0) sim.advance(ahead);
    } catch (e) {
      freeQuietly(sim);
      throw e;
    }
    this._cursor = { time: Number(sim.time_ms()), seq, partial };
    return { sim, recent: (cp.events || []).slice(), events: sim.events() || [] };
  }
}

/**
 * About how many bytes a checkpoint of `sim` holds, from what its view model
 * counts (`view`, or `sim.state()` when not given): the log entries every
 * server keeps, the client history, and a fixed part per server. The
 * constants are fitted to the wasm build (bench/history.mjs prints the
 * estimate beside the memory a checkpoint really took), and an estimate is
 * enough for a budget.
 */
export function estimateBytes(sim, view = null) {
  const v = view || sim.state();
  let entries = 0;
  for (const n of v.nodes || []) entries += Math.max(0, (n.last_index || 0) - (n.snapshot_index || 0));
  const ops = v.history_total != null ? v.history_total : (v.history || []).length;
  return BYTES.base + BYTES.perNode * (v.nodes || []).length + BYTES.perEntry * entries + BYTES.perOp * ops;
}

/** The size model's constants (bytes). */
export const BYTES = { base: 8 * 1024, perNode: 16 * 1024, perEntry: 190, perOp: 320 };

const wallMs = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function freeQuietly(sim) {
  try { sim.free(); } catch (_) { /* already freed or poisoned */ }
}
