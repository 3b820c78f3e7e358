//! etcd on Raft (issue 11): the two demos and the watch-through-crash
//! scenario, pinned by what they show; the checker catching a stale range, a
//! watch gap and diverging revisions (each planted); a compacted watch.

use raft_sim::scenario::parse::parse_script;
use raft_sim::trace::{EventKind, TraceEvent};
use raft_sim::{run_text, Runner};

fn run_with_events(text: &str) -> (Runner, Vec<TraceEvent>) {
    let script = parse_script(text).expect("the scenario parses");
    let mut runner = Runner::new(&script.setup);
    runner.keep_events(true);
    runner.expected_violations = raft_sim::expected_violations(text);
    let mut events = Vec::new();
    for cmd in &script.commands {
        let _ = runner.exec_command(cmd);
        events.extend(runner.take_events());
    }
    runner.finish();
    events.extend(runner.take_events());
    (runner, events)
}

fn fired(r: &Runner) -> Vec<String> {
    r.world.checker.violations.iter().map(|v| format!("{}: {}", v.invariant, v.message)).collect()
}

const SERVICE_DISCOVERY: &str = include_str!("../../scenarios/etcd-service-discovery.raft");
const LOCK: &str = include_str!("../../scenarios/etcd-lock.raft");
const WATCH_THROUGH_CRASH: &str = include_str!("../../scenarios/etcd-watch-through-crash.raft");
const STALE_RANGE: &str = include_str!("../../scenarios/expect-violation-stale-range.raft");

#[test]
fn service_discovery_expires_the_dead_service_through_the_log_and_never_early() {
    let (r, events) = run_with_events(SERVICE_DISCOVERY);
    assert!(r.ok(), "failures {:?}, violations {:?}", r.failures, fired(&r));
    // The new leader refreshed every lease before expiring any, and b expired
    // no sooner than one full TTL (3 s) after that.
    let refreshed: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::LeaseRefreshed { node, leases, .. } => Some((e.time_ms, *node + 100 * *leases)),
            _ => None,
        })
        .collect();
    assert_eq!(refreshed.len(), 1, "one leader change with leases alive: {refreshed:?}");
    let expired: Vec<(u64, &str)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::LeaseExpired { lease, .. } => Some((e.time_ms, lease.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(expired.iter().map(|(_, l)| *l).collect::<Vec<_>>(), ["b"], "only b expires");
    assert!(
        expired[0].0 >= refreshed[0].0 + 3000,
        "b expired at {} ms, the TTL restarted at {}",
        expired[0].0,
        refreshed[0].0
    );
    // Every server applied the expiry at the same revision: the delete of /services/b.
    let w = r.world.etcd.watcher("discovery").expect("the watcher");
    let deletes: Vec<_> = w.events.iter().filter(|e| e.kind == "delete").collect();
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].key, "/services/b");
    for node in r.world.nodes.values().filter(|n| n.is_up()) {
        assert!(node.kv.get("/services/b").is_none(), "n{} still has /services/b", node.id);
        assert!(node.kv.revision >= deletes[0].revision, "n{} is behind", node.id);
    }
    // The watcher moved to another server when its server (the old leader) crashed.
    let vias: std::collections::BTreeSet<u64> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WatchEvent { node, .. } => Some(*node),
            _ => None,
        })
        .collect();
    assert!(vias.len() >= 2, "the watch streamed from {vias:?}");
}

#[test]
fn the_lock_goes_to_one_racer_then_to_the_other_when_its_lease_ends() {
    let (r, _) = run_with_events(LOCK);
    assert!(r.ok(), "failures {:?}, violations {:?}", r.failures, fired(&r));
    let txns: Vec<(&str, &str)> = r
        .world
        .clients
        .ops
        .iter()
        .filter(|o| o.op == raft_sim::client::Op::Txn)
        .map(|o| (o.value.as_deref().unwrap_or(""), o.result.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(txns.len(), 3);
    // The race: exactly one of the first two took the lock.
    let winners = txns[..2].iter().filter(|(_, res)| *res == "then").count();
    assert_eq!(winners, 1, "{txns:?}");
    assert_eq!(txns[2].1, "then", "the loser takes the lock once it is free");
    let leader = r.world.leader().expect("a leader").0;
    let kv = &r.world.nodes[&leader].kv;
    assert_eq!(kv.get("/lock").map(String::as_str), Some("alice"));
    assert_eq!(kv.meta["/lock"].lease.as_deref(), Some("alice"));
}

#[test]
fn a_watch_through_a_crash_and_a_partition_misses_nothing_and_repeats_nothing() {
    let (r, events) = run_with_events(WATCH_THROUGH_CRASH);
    assert!(r.ok(), "failures {:?}, violations {:?}", r.failures, fired(&r));
    let w = r.world.etcd.watcher("w").expect("the watcher");
    let revs: Vec<u64> = w.events.iter().map(|e| e.revision).collect();
    assert!(revs.windows(2).all(|p| p[0] < p[1]), "revision order: {revs:?}");
    // Exactly the changes under /k/ (the put of `other` is not one of them).
    let leader = r.world.leader().expect("a leader").0;
    let expected: Vec<(u64, String)> = r.world.nodes[&leader]
        .kv
        .changes_from(1, "/k/")
        .expect("not compacted")
        .into_iter()
        .map(|(rev, c)| (rev, c.key.clone()))
        .collect();
    let got: Vec<(u64, String)> = w.events.iter().map(|e| (e.revision, e.key.clone())).collect();
    assert_eq!(got, expected);
    let vias: Vec<u64> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WatchEvent { node, .. } => Some(*node),
            _ => None,
        })
        .collect();
    assert!(vias.contains(&1) && vias.contains(&2), "streamed from n1, then n2 after the crash: {vias:?}");
    assert_ne!(vias.last(), Some(&2), "left n2 once it was cut off: {vias:?}");
}

#[test]
fn a_stale_range_is_caught() {
    let r = run_text(STALE_RANGE).expect("parses");
    let v = &r.world.checker.violations;
    assert_eq!(v.len(), 1, "{:?}", fired(&r));
    assert_eq!(v[0].invariant, "linearizability");
    assert!(v[0].message.contains("/k/x"), "{}", v[0].message);
    assert!(r.ok(), "the file expects exactly this violation");
    // Without the stale read (a linearizable range instead), nothing fires.
    let fixed = STALE_RANGE.replace("range /k/ from n5", "range /k/");
    let r = run_text(&fixed).expect("parses");
    assert!(r.world.checker.violations.is_empty(), "{:?}", fired(&r));
}

/// Plant a gap: skip one revision in a running watcher's stream.
#[test]
fn a_watch_gap_is_caught() {
    let setup =
        "cluster 3\nseed 2\nawait leader any within 2s\nwatch w /k/\nput /k/1 a\nawait watch w events == 1 within 1s\n";
    let run = |plant: bool| {
        let mut r = run_text(setup).expect("parses");
        if plant {
            r.world.etcd.watchers[0].next_revision += 1;
        }
        for cmd in parse_script("put /k/2 b\nrun 300ms\nput /k/3 c\nrun 300ms\n").unwrap().commands {
            let _ = r.exec_command(&cmd);
        }
        r
    };
    let healthy = run(false);
    assert!(healthy.world.checker.violations.is_empty(), "{:?}", fired(&healthy));
    assert_eq!(healthy.world.etcd.watchers[0].events_total, 3);
    let broken = run(true);
    let names: Vec<&str> = broken.world.checker.violations.iter().map(|v| v.invariant.as_str()).collect();
    assert_eq!(names, ["watch-events"], "{:?}", fired(&broken));
    assert!(broken.world.checker.violations[0].message.contains("2:put /k/2=b"), "{:?}", fired(&broken));
}

/// Plant a divergence: one server's store makes a write no log entry asked for.
#[test]
fn servers_that_apply_different_revisions_are_caught() {
    let mut r = run_text("cluster 3\nseed 2\nawait leader any within 2s\nput a 1\nrun 300ms\n").expect("parses");
    let stray = raft_sim::kv::KvCommand::Put { key: "stray".into(), value: "x".into(), client: 999, seq: 1 };
    let n3 = r.world.nodes.get_mut(&3).unwrap();
    n3.kv.apply(&stray);
    for cmd in parse_script("put b 2\nrun 300ms\n").unwrap().commands {
        let _ = r.exec_command(&cmd);
    }
    let names: Vec<&str> = r.world.checker.violations.iter().map(|v| v.invariant.as_str()).collect();
    assert_eq!(names, ["same-revisions"], "{:?}", fired(&r));
}

#[test]
fn a_watch_from_a_compacted_revision_ends_with_an_error() {
    let text = "cluster 3\nseed 2\nawait leader any within 2s\nload put 1000/s for 1200ms keys 5\nrun 500ms\nwatch old k from 1\nwatch new k from 1150\nrun 100ms\n";
    let r = run_text(text).expect("parses");
    assert!(r.ok(), "{:?} {:?}", r.failures, fired(&r));
    let old = r.world.etcd.watcher("old").unwrap();
    assert!(old.stopped && old.events.is_empty());
    assert!(old.error.as_deref().unwrap_or("").contains("compacted"), "{:?}", old.error);
    let new = r.world.etcd.watcher("new").unwrap();
    assert!(!new.stopped && new.error.is_none());
    assert_eq!(new.events_total, 51, "revisions 1150..=1200");
    assert_eq!(new.events.len(), raft_sim::etcd::WATCH_EVENTS_KEPT, "the view keeps the newest");
    assert_eq!(new.events.last().map(|e| e.revision), Some(1200));
}

#[test]
fn etcd_lines_with_mistakes_get_their_line_and_column() {
    let cases = [
        ("lease grant web", 1, 16, "missing a TTL"),
        ("lease grant web 0s", 1, 17, "more than 0"),
        ("lease keepalive web each 1s", 1, 21, "expected `every D`"),
        ("lease renew web", 1, 7, "unknown lease command"),
        ("txn if x == 1 then put x 2", 1, 10, "one equals sign"),
        ("txn if x = 1 put x 2", 1, 14, "expected `then`"),
        ("txn if x absent then get x", 1, 22, "expected `put` or `delete`"),
        ("txn if x absent then delete x otherwise delete y", 1, 31, "expected `else OP`"),
        ("watch w /k/ from zero", 1, 18, "expected a revision"),
        ("watch stop /k/", 1, 7, "cannot be a watch name"),
        ("put k v lease", 1, 14, "missing a lease name"),
        ("delete", 1, 7, "missing a key"),
        ("cluster 3\nexpect lease web gone", 2, 18, "unknown lease state"),
        ("cluster 3\nexpect watch w saw update k", 2, 20, "expected `put` or `delete`"),
        ("cluster 3\nexpect revision n9 == 1", 2, 17, "not in the cluster"),
    ];
    for (text, line, col, words) in cases {
        let e = parse_script(text).expect_err(text);
        assert_eq!((e.line, e.col), (line, col), "{text}: {}", e.message);
        assert!(e.message.contains(words), "{text}: {}", e.message);
    }
}

/// The explorer's etcd cases (`raft-sim explore --etcd`): no invariant fires
/// and the final section makes progress, and the cases do exercise what they
/// should (leases that expire, watch events, both txn branches). More seeds:
/// RAFT_SIM_ETCD_SEEDS (the CLI runs thousands in seconds).
#[test]
fn random_etcd_cases_never_break_an_invariant() {
    use raft_sim::explore::{generate, run_case, Options};
    let seeds: u64 = std::env::var("RAFT_SIM_ETCD_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(120);
    let opts = Options { etcd: true, ..Options::default() };
    let (mut expired, mut watched, mut then, mut otherwise) = (0, 0, 0, 0);
    for seed in 1..=seeds {
        let case = generate(seed, &opts);
        let outcome = run_case(&case.text, None).expect("a generated case parses");
        assert!(outcome.violations.is_empty(), "seed {seed}: {:?}\n{}", outcome.violations, case.text);
        if seed <= 40 {
            let (r, events) = run_with_events(&case.text);
            expired += events.iter().filter(|e| matches!(e.kind, EventKind::LeaseExpired { .. })).count();
            watched += events.iter().filter(|e| matches!(e.kind, EventKind::WatchEvent { .. })).count();
            for op in r.world.clients.ops.iter().filter(|o| o.op == raft_sim::client::Op::Txn) {
                match op.result.as_deref() {
                    Some("then") => then += 1,
                    Some("else") => otherwise += 1,
                    _ => {}
                }
            }
        }
    }
    assert!(expired > 0 && watched > 0 && then > 0 && otherwise > 0, "{expired} {watched} {then} {otherwise}");
}

/// The view model's etcd fields (docs/view-model.md), as the page reads them.
#[test]
fn the_view_model_shows_keys_leases_and_watchers() {
    let (mut r, _) = run_with_events(SERVICE_DISCOVERY);
    let view: serde_json::Value = serde_json::from_str(&raft_sim::json::to_json(&r.view())).expect("valid JSON");
    let etcd = &view["etcd"];
    let leader = view["leader"].as_u64().expect("a leader");
    assert_eq!(etcd["server"].as_u64(), Some(leader));
    let revision = etcd["revision"].as_u64().unwrap();
    assert_eq!(view["nodes"][(leader - 1) as usize]["revision"].as_u64(), Some(revision));
    let keys: Vec<&str> = etcd["keys"].as_array().unwrap().iter().map(|k| k["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["/services/a", "/services/c"]);
    assert_eq!(etcd["keys_total"].as_u64(), Some(2));
    let a = &etcd["keys"][0];
    assert_eq!(a["lease"].as_str(), Some("a"));
    assert_eq!(a["version"].as_u64(), Some(1));
    assert!(a["create_revision"].as_u64().unwrap() >= 1 && a["mod_revision"] == a["create_revision"]);
    let leases = etcd["leases"].as_array().unwrap();
    let ids: Vec<u64> = leases.iter().map(|l| l["id"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "grant order: {ids:?}");
    let b = leases.iter().find(|l| l["name"] == "b").unwrap();
    assert_eq!((b["state"].as_str(), b["keepalive"].as_bool()), (Some("expired"), Some(false)));
    assert!(b["remaining_ms"].is_null() && b["keys"].as_array().unwrap().is_empty());
    let a = leases.iter().find(|l| l["name"] == "a").unwrap();
    assert_eq!((a["state"].as_str(), a["keepalive"].as_bool()), (Some("alive"), Some(true)));
    assert!(a["remaining_ms"].as_u64().unwrap() <= 3000);
    let w = &etcd["watchers"][0];
    assert_eq!((w["name"].as_str(), w["prefix"].as_str()), (Some("discovery"), Some("/services/")));
    assert_eq!(w["events_total"].as_u64(), Some(4));
    assert_eq!(w["next_revision"].as_u64(), Some(revision + 1));
    let last = &w["events"][3];
    assert_eq!((last["type"].as_str(), last["key"].as_str()), (Some("delete"), Some("/services/b")));
    assert!(last["value"].is_null());
    // The history records the new operations with their results.
    let ops: Vec<&str> = view["history"].as_array().unwrap().iter().map(|h| h["op"].as_str().unwrap()).collect();
    assert!(ops.contains(&"lease-grant") && ops.contains(&"range"), "{ops:?}");
    let range = view["history"].as_array().unwrap().iter().find(|h| h["op"] == "range").unwrap();
    assert!(range["result"].as_str().unwrap().starts_with("rev=3 /services/a=10.0.0.1"), "{range}");
}

/// Plant a lessor that expires too early, and one that forgets to expire:
/// `lease-ttl` catches both.
#[test]
fn a_lease_expired_early_or_kept_too_long_is_caught() {
    let setup = "cluster 3\nseed 4\nawait leader any within 2s\nlease grant web 1s\nput /s/a 1 lease web\nrun 200ms\n";
    let run = |plant: Option<u64>| {
        let mut r = run_text(setup).expect("parses");
        let leader = r.world.leader().expect("a leader").0;
        if let Some(deadline) = plant {
            r.world.nodes.get_mut(&leader).unwrap().lessor.deadlines.insert("web".into(), deadline);
        }
        for cmd in parse_script("run 1500ms\n").unwrap().commands {
            let _ = r.exec_command(&cmd);
        }
        r
    };
    let healthy = run(None);
    assert!(healthy.world.checker.violations.is_empty(), "{:?}", fired(&healthy));
    assert!(!healthy.world.nodes[&healthy.world.leader().unwrap().0].kv.lease_alive("web"), "expired on time");
    let now = healthy.world.now - 1500;
    for (plant, words) in [(now, "but its TTL"), (u64::MAX, "past its TTL")] {
        let broken = run(Some(plant));
        let v = &broken.world.checker.violations;
        assert_eq!(v.len(), 1, "{:?}", fired(&broken));
        assert_eq!(v[0].invariant, "lease-ttl");
        assert!(v[0].message.contains(words), "{}", v[0].message);
    }
}
