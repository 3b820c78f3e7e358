// The course in order: every lesson the issue plans, by slug, with the part of
// the course it belongs to. `file` is set for the lessons that exist in
// lessons/ (a unit test checks this list against the folder); the others are
// shown on lessons.html as "coming". Titles, summaries and sections are NOT
// repeated here: they live in each lesson's header and are read from it.
import { lessonFileUrl } from './paths.js';

export const GROUPS = ['basics', 'safety', 'operating', 'beyond'];

export const COURSE = [
  { slug: 'replicated-state-machine', group: 'basics', file: '01-replicated-state-machine.raft' },
  { slug: 'roles-and-terms', group: 'basics', file: '02-roles-and-terms.raft' },
  { slug: 'leader-election', group: 'basics', file: '03-leader-election.raft' },
  { slug: 'split-vote', group: 'basics', file: '04-split-vote.raft' },
  { slug: 'quorums', group: 'basics', file: '05-quorums.raft' },
  { slug: 'split-brain', group: 'basics', file: '06-split-brain.raft' },
  { slug: 'log-replication', group: 'basics', file: '07-log-replication.raft' },
  { slug: 'repairing-logs', group: 'safety', file: '08-repairing-logs.raft' },
  { slug: 'election-restriction', group: 'safety', file: '09-election-restriction.raft' },
  { slug: 'figure-8', group: 'safety', file: '10-figure-8.raft' },
  { slug: 'crash-and-restart', group: 'safety', file: '11-crash-and-restart.raft' },
  { slug: 'clients', group: 'operating', file: '12-clients.raft' },
  { slug: 'reads', group: 'operating', file: '13-reads.raft' },
  { slug: 'snapshots', group: 'operating', file: '14-snapshots.raft' },
  { slug: 'adding-and-removing-servers', group: 'operating', file: '15-adding-and-removing-servers.raft' },
  { slug: 'joint-consensus', group: 'operating', file: '16-joint-consensus.raft' },
  { slug: 'disruptive-servers', group: 'beyond', file: '17-disruptive-servers.raft' },
  { slug: 'leadership-transfer', group: 'beyond', file: '18-leadership-transfer.raft' },
  { slug: 'timing', group: 'beyond', file: '19-timing.raft' },
  { slug: 'operating-raft', group: 'beyond', file: '20-operating-raft.raft' },
  { slug: 'etcd-on-raft', group: 'beyond', file: '21-etcd-on-raft.raft' },
];

/** The course entry for a slug, or null. */
export function lessonBySlug(slug) {
  return COURSE.find((l) => l.slug === slug) || null;
}

/** The URL of a lesson file (web/lesson/paths.js knows where they are; works from any page). */
export function lessonUrl(file) {
  return lessonFileUrl(file);
}
