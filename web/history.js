// Time travel for one simulation, without the DOM (tested in node against the
// real wasm: web/tests/history.test.mjs).
//
// The history is two lists:
//  - the commands that ran (`ops`: `{ at, end, src }`, the text one `exec`
//    ran at simulated time `at`, which had moved time to `end` when it
//    returned), numbered from the start of the history;
//  - checkpoints (`list`: `{ time, sim, seq, events, counts, gone, bytes }`),
//    each an independent `clone()` of the simulation at `time`, after the
//    first `seq` commands, with what the size model charges it (below).
// Travelling to an instant takes the nearest checkpoint at or before it and
// replays from there: advance to each later command's instant, run it, and
// advance the rest of the way. The simulation is deterministic, so that is
// exactly the state the run had there, however far the checkpoint is — which
// is why checkpoints can be thinned freely: a sparse stretch of history costs
// replay time, never exactness.
//
// Memory budget: the history keeps at most `max` checkpoints and about
// `budgetBytes` of them. Over either, it drops the checkpoint whose loss
// matters least: the one whose neighbours are closest together for its age
// (plus `nearMs`, so the last 10 minutes or so are spaced about evenly).
// So recent history stays dense (a scrub near now replays little) and older
// history gets sparser — but a stretch without a checkpoint is never longer
// than half its age nor `maxGapMs`, which bounds what a seek replays: rather
// than that, the first checkpoint goes and the history reaches less far back.
// `reach()` says how far back it reaches and what it holds.
//
// What a checkpoint costs (`estimateBytes`, below): a clone shares most of
// the simulation with the run it was taken from (raft-core's full log
// segments, raft-sim's session tables, docs/performance.md "Checkpoints"), so
// keeping one more costs
//  - its own part, which the clone copied: the client list (the newest 500
//    done operations), each server's unfinished log tails, small tables and
//    list of log segments (one pointer per 64 entries), the metrics of the
//    last 120 simulated seconds (the page's plots), snapshot bytes;
//  - and what the run let go of after it, which now only the checkpoint
//    holds: the sessions and exactly-once records of older clients that
//    newer ones pushed out of the full tables (one per server per client
//    operation, once the run has made more than 4,096), and log entries the
//    servers compacted into a snapshot.
// Log entries the run still holds cost a checkpoint nothing (they are shared
// segments). So each checkpoint is charged its own part plus what the run
// let go of since the previous kept checkpoint (`gone`, counted from the view
// model), which is what that previous one alone keeps alive. When a
// checkpoint is thinned out, the one before it still holds what it was
// charged for, so its `gone` moves to the next checkpoint (the stretch that
// one now follows); when the first goes, what only it held goes with it.
// bench/history.mjs --only marginal prints the estimate beside the wasm
// memory the checkpoints really added.
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

/**
 * The page's settings (web/element.js uses them; `node bench/history.mjs
 * --only travel` measures them; docs/performance.md has the figures).
 */
export const HISTORY_DEFAULTS = Object.freeze({
  // A plain checkpoint at most every 2 simulated seconds: a seek near now
  // replays at most that (a few ms at 10 ops/s), a clone (0.1–0.8 ms) is far
  // under 2 % of the frames' work at 1x, and fewer clones thinned out later
  // leave the wasm heap less fragmented (every 1 s left 3 MiB more after an hour).
  everyMs: 2000,
  // At most this many…
  max: 256,
  // …and about this many bytes as `estimateBytes` charges them. With the
  // live simulation (about 19.5 MiB after an hour at 10 client ops/s) the
  // wasm memory stays under issue 9's 64 MB (61 MiB): the estimate runs
  // about 15 % under the real cost after an hour (heap fragmentation).
  budgetBytes: 36 * MIB,
  // Never more than this apart (a seek replays at most this much: at 10
  // ops/s about 3 ms per simulated second, at 100/s about 12); rather the
  // history reaches less far back. Thinning halves the spacing's growth
  // (2, 4, 8, 16 s: two 16 s stretches would make 32), so in practice 16 s.
  maxGapMs: 30000,
  // Thinning keeps the spacing about even within this much of now (a seek
  // anywhere in the last 10 minutes replays about as little) and lets it
  // grow with age beyond (see _thin).
  nearMs: 600000,
});

export class History {
  /**
   * `wasm`: the raft-wasm module (for `Simulation` and `inspect_script`).
   * Options: everyMs (a plain checkpoint at most this often), max (at most
   * this many checkpoints), budgetBytes (about this many bytes of them, as
   * `estimateBytes` charges them), maxGapMs (thinning never leaves a longer stretch
   * without a checkpoint, as a seek replays up to that much; the history
   * reaches less far back instead), nearMs (see _thin), recentMs (events kept per checkpoint),
   * replayBudgetMs (simulated time the prefix replays of a loaded scenario may
   * take, for 5 servers; scaled down for more), cloneRatio (see below).
   */
  constructor(wasm, {
    everyMs = HISTORY_DEFAULTS.everyMs, max = HISTORY_DEFAULTS.max, budgetBytes = HISTORY_DEFAULTS.budgetBytes,
    maxGapMs = HISTORY_DEFAULTS.maxGapMs, nearMs = HISTORY_DEFAULTS.nearMs, recentMs = 2000, replayBudgetMs = 300000,
    cloneRatio = 50,
  } = {}) {
    this.wasm = wasm;
    this.everyMs = everyMs;
    this.max = max;
    this.maxGapMs = maxGapMs;
    this.nearMs = nearMs;
    this.budgetBytes = budgetBytes;
    this.recentMs = recentMs;
    this.replayBudgetMs = replayBudgetMs;
    // A plain checkpoint also waits at least cloneRatio × the last clone's
    // wall time in simulated ms, so cloning a big simulation stays a small
    // part of the work at any speed (at 1×, 2 %).
    this.cloneRatio = cloneRatio;
    this._cloneMs = 0;
    this.list = [];
    this.ops = [];
    this.opsFrom = 0;    // the number of the first command in `ops`
    this.bytes = 0;      // the checkpoints' estimated bytes (their `bytes`), summed
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
      // Each prefix is a simulation of its own, sharing nothing: charged for all it holds.
      this._add({ time: c.time, sim: c.sim, seq: this.seq, events: c.events, line: c.line, alone: true }, sizeCounts(c.sim));
    });
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
    // The newest go: nothing after them was charged for what they held.
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
    const counts = sizeCounts(sim, view);
    const t0 = wallMs();
    const copy = sim.clone();
    this._cloneMs = wallMs() - t0;
    this._add({ time, sim: copy, seq: this.seq, events: recent.slice() }, counts);
    this._thin(time);
  }

  /**
   * Append checkpoint `c` with its view model counts, charged (`gone`,
   * `bytes`) for what the run let go of since the previous checkpoint — or,
   * for a simulation of its own (`alone`), for everything it holds.
   */
  _add(c, counts) {
    const prev = this.list[this.list.length - 1];
    // The load since the previous checkpoint (what is in flight grows with it).
    counts.rate = prev ? opsRate(prev.counts, counts) : 0;
    c.counts = counts;
    c.gone = c.alone || !prev ? held(counts, !!c.alone) : letGo(prev.counts, counts);
    c.bytes = estimateBytes(counts, c.gone);
    this.list.push(c);
    this.bytes += c.bytes;
  }

  /** Charge `c` for `gone` instead of what it was charged for. */
  _recharge(c, gone) {
    if (c.alone) return; // already charged for everything it holds
    this.bytes -= c.bytes;
    c.gone = gone;
    c.bytes = estimateBytes(c.counts, gone);
    this.bytes += c.bytes;
  }

  /**
   * Over `max` checkpoints or `budgetBytes`: drop the inner checkpoint whose
   * neighbours are closest together for its age plus `nearMs` (so the
   * spacing grows with age, but within about `nearMs` of now stays even: a
   * seek anywhere in a long reach replays little, not only one near now), as
   * long as the stretch that leaves is no longer than half its age (plus
   * `everyMs`) nor `maxGapMs`; else the first one. So under a tight budget
   * the history reaches less far back rather than let a seek near now
   * replay long. The newest always stays.
   */
  _thin(now) {
    const cps = this.list;
    while (cps.length > 1 && (cps.length > this.max || this.bytes > this.budgetBytes)) {
      let victim = 0;
      let best = Infinity;
      for (let i = 1; i < cps.length - 1; i++) {
        const gap = cps[i + 1].time - cps[i - 1].time;
        if (gap > Math.min(this.maxGapMs, this.everyMs + (now - cps[i + 1].time) / 2)) continue;
        const score = gap / (now - cps[i].time + this.nearMs);
        if (score < best) { best = score; victim = i; }
      }
      const [c] = cps.splice(victim, 1);
      freeQuietly(c.sim);
      this.bytes -= c.bytes;
      this.dropped++;
      // What `c` was charged for is held by the checkpoint before it, which
      // the next one now follows; the first one's goes with it (module comment).
      const next = cps[victim];
      if (victim === 0) this._recharge(next, NOTHING_GONE);
      else this._recharge(next, addGone(c.gone, next.gone));
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
    // Only the last `recentMs` before the target: the page's list and
    // flashes show no more, and converting every replayed event to JS cost
    // over half as much as the replay (raft-wasm `events_from`).
    const from = Number(sim.time_ms()) - this.recentMs;
    const events = (typeof sim.events_from === 'function' ? sim.events_from(Math.max(0, from)) : sim.events()) || [];
    const recent = (cp.events || []).filter((e) => e.time_ms >= from);
    return { sim, recent, events };
  }
}

// ---- the size model (module comment: "What a checkpoint costs") ----------------

/**
 * What the size model reads from a view model (`view`, or `sim.state()` when
 * not given): servers, client operations so far, and per server summed: log
 * entries compacted into snapshots (`compacted`), entries held (`entries`),
 * servers holding a snapshot (`snapshots`); and the metrics windows kept.
 */
export function sizeCounts(sim, view = null) {
  const v = view || sim.state();
  const nodes = v.nodes || [];
  let compacted = 0;
  let entries = 0;
  let snapshots = 0;
  for (const n of nodes) {
    const snap = n.snapshot_index || 0;
    compacted += snap;
    entries += Math.max(0, (n.last_index || 0) - snap);
    if (snap > 0) snapshots++;
  }
  const ops = v.history_total != null ? v.history_total : (v.history || []).length;
  // The page's simulations close a metrics window each simulated second and keep the newest `BYTES.windows`.
  const time = Number(v.time_ms || 0);
  const closed = Math.floor(time / 1000);
  const windows = Math.min(BYTES.windows, closed);
  return { servers: nodes.length, ops, compacted, entries, snapshots, windows, closed, time, rate: 0 };
}

/**
 * Client operations per simulated second between counts `a` and later `b`
 * (at most 1,000): what is in flight — messages carrying entries, log tails,
 * active operations — grows with it, and a clone copies that.
 */
export function opsRate(a, b) {
  const ms = b.time - a.time;
  return ms > 0 ? Math.min(1000, Math.max(0, ((b.ops - a.ops) * 1000) / ms)) : 0;
}

/**
 * Estimated bytes of a checkpoint with view model counts `counts`: its own
 * part (what `clone()` copies) plus `gone` (`{ ops, checks, listOps,
 * windows, entries }`: client operations whose sessions the run pushed out
 * of its full tables, exactly-once records the checker pushed out, client operations added to the shared
 * client list, metrics windows the run dropped, log entries it compacted,
 * since the previous kept checkpoint: what only that one still holds).
 */
export function estimateBytes(counts, gone = NOTHING_GONE) {
  const B = BYTES;
  const done = Math.min(B.doneOps, counts.ops);
  return Math.round(B.base + counts.servers * (B.perServer + B.perServerOp * done + B.perServerRate * (counts.rate || 0)) +
    B.perDoneOp * done + B.perSegment * (counts.entries / B.segment) +
    B.perSnapshotSession * counts.snapshots * Math.min(B.sessions, counts.ops) +
    B.perGoneOp * counts.servers * gone.ops + B.perGoneCheck * (gone.checks || 0) + B.perListOp * (gone.listOps || 0) +
    (B.perWindow + B.perWindowServer * counts.servers) * (gone.windows || 0) + B.perEntry * gone.entries);
}

/**
 * What the run let go of between a checkpoint with counts `a` and a later one
 * with counts `b`: each client operation after the first `BYTES.sessions`
 * pushes an older client's session out of every server's table, and once
 * the checker's exactly-once table holds `BYTES.checks` records (one per
 * client per server) each new one pushes out the oldest — at most a whole
 * table between two checkpoints; every
 * client operation joins the client list, whose chunks checkpoints share
 * (at most a whole list, `listOps`, stays only in the earlier one); each
 * metrics window closed after the first `BYTES.windows` pushes the oldest
 * out (at most all of them); and each entry compacted into a snapshot
 * leaves the log.
 */
export function letGo(a, b) {
  const pushed = (ops) => Math.max(0, ops - BYTES.sessions);
  const pushedWindows = (c) => Math.max(0, (c.closed || 0) - BYTES.windows);
  const pushedChecks = (c) => Math.max(0, c.ops * c.servers - BYTES.checks);
  return {
    ops: Math.min(BYTES.sessions, Math.max(0, pushed(b.ops) - pushed(a.ops))),
    checks: Math.min(BYTES.checks, Math.max(0, pushedChecks(b) - pushedChecks(a))),
    listOps: Math.min(BYTES.listOps, Math.max(0, b.ops - a.ops)),
    windows: Math.min(BYTES.windows, Math.max(0, pushedWindows(b) - pushedWindows(a))),
    entries: Math.max(0, b.compacted - a.compacted),
  };
}

/** Two stretches' `gone` as one (a thinned-out checkpoint's moves to the next). */
export function addGone(a, b) {
  return {
    ops: Math.min(BYTES.sessions, a.ops + b.ops),
    checks: Math.min(BYTES.checks, a.checks + b.checks),
    listOps: Math.min(BYTES.listOps, a.listOps + b.listOps),
    windows: Math.min(BYTES.windows, a.windows + b.windows),
    entries: a.entries + b.entries,
  };
}

/**
 * The first checkpoint has nothing before it: charged nothing gone. A
 * simulation of its own (`alone`: a loaded scenario's prefix) shares nothing,
 * so it is charged its whole session tables, client list, windows and log.
 */
export function held(counts, alone) {
  return alone
    ? {
      ops: Math.min(BYTES.sessions, counts.ops),
      checks: Math.min(BYTES.checks, counts.ops * counts.servers),
      listOps: Math.min(BYTES.listOps, counts.ops),
      windows: counts.windows || 0,
      entries: counts.entries,
    }
    : NOTHING_GONE;
}

const NOTHING_GONE = Object.freeze({ ops: 0, checks: 0, listOps: 0, windows: 0, entries: 0 });

/**
 * The size model's constants (bytes, the wasm build), fitted to what a kept
 * checkpoint adds to wasm memory (`node bench/history.mjs --only marginal`;
 * docs/performance.md has the fit). A checkpoint's own part (what a clone
 * copies) is `base`, per server `perServer` plus `perServerOp` for each of its
 * first `doneOps` client operations (log tails and the newest chunk of each
 * table fill with traffic) plus `perServerRate` per client operation per
 * simulated second (`counts.rate`: what is in flight grows with the load),
 * `perDoneOp` per operation up to `doneOps` (the client list's newest chunk),
 * `perSegment` per `segment` log entries held (a clone copies each log's
 * list of shared segments, in memory and on disk: it grows with the run),
 * and per server holding a snapshot `perSnapshotSession` per client session
 * it encodes (snapshot bytes are copied). Then what only this checkpoint
 * keeps alive, shared with the run until the run let go of it: `perGoneOp`
 * per server for each client operation whose session the run pushed out
 * (each server's table holds the newest `sessions`), `perGoneCheck` per
 * exactly-once record the checker pushed out (its table holds `checks`, one
 * per client per server), `perListOp`
 * per client operation in the shared client list (at most `listOps`: a whole
 * list), `perWindow` plus `perWindowServer` per server for each metrics
 * window (the page's plots keep the newest `windows`, shared), `perEntry`
 * per log entry compacted away. `doneOps`, `sessions` and `windows` are
 * raft-sim's bounds.
 */
export const BYTES = Object.freeze({
  base: 8 * 1024, perServer: 4 * 1024, perServerOp: 38, perServerRate: 0, perDoneOp: 25, doneOps: 500,
  perSegment: 16, segment: 4096, perWindow: 500, perWindowServer: 40, windows: 120,
  perGoneOp: 36, sessions: 4096, perGoneCheck: 36, checks: 65536, perListOp: 240, listOps: 1000, perSnapshotSession: 15, perEntry: 100,
});

const wallMs = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function freeQuietly(sim) {
  try { sim.free(); } catch (_) { /* already freed or poisoned */ }
}
