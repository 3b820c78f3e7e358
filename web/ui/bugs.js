// "Break Raft": the deliberate bugs raft-core can switch on (raft_core::Bugs,
// `set bug NAME on` in a scenario's setup), as checkboxes in Options, each
// with a one-line explanation of the rule it removes. They are setup lines, so
// changing one restarts the run from the new setup, like the other options.

/** raft_core::Bugs::NAMES, in its order (web/tests/bugs.test.mjs checks them against the real parser). */
export const BUG_NAMES = [
  'commit-old-term', 'no-election-restriction', 'vote-twice', 'volatile-vote', 'no-truncate',
  'stale-leader-read', 'no-dedup', 'joint-skip', 'commit-counts-learners', 'commit-one-half-of-joint',
  'leader-truncates', 'forget-term-on-restart', 'commit-goes-back', 'install-stale-snapshot',
];

/** The switches as setup lines, in BUG_NAMES order (unknown names are left out). */
export function bugLines(names) {
  const on = new Set(names || []);
  return BUG_NAMES.filter((n) => on.has(n)).map((n) => `set bug ${n} on`);
}

/** Fill `box` with one checkbox per switch (labels via data-i18n keys `bug.NAME`). */
export function buildBugSwitches(box) {
  box.innerHTML = `<legend data-i18n="bugs.title"></legend>
    <p class="rl-hint" data-i18n="bugs.hint"></p>
    ${BUG_NAMES.map((n) => `<label class="rl-check rl-bug"><input type="checkbox" data-bug="${n}" data-testid="bug-${n}">
      <span><code>${n}</code> — <span data-i18n="bug.${n}"></span></span></label>`).join('')}`;
}

/** The names checked in `box`. */
export function readBugs(box) {
  return [...box.querySelectorAll('input[data-bug]')].filter((i) => i.checked).map((i) => i.dataset.bug);
}

/** Check exactly `names` in `box`. */
export function showBugs(box, names) {
  const on = new Set(names || []);
  for (const i of box.querySelectorAll('input[data-bug]')) i.checked = on.has(i.dataset.bug);
}
