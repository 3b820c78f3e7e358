//! Where replicas sit (issue 12): `zone`, `set latency zone X <-> zone Y`,
//! `set latency nA <-> nB` — what they parse to, the errors (with their
//! line and column), and what the runner does with them.

use raft_sim::run_text;
use raft_sim::scenario::ast::Command;
use raft_sim::scenario::parse::{parse_line, parse_script, ParseContext};

fn commands(text: &str) -> Vec<Command> {
    let s = parse_script(&format!("cluster 5\n{text}\n")).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    s.commands.into_iter().map(|c| c.value).collect()
}

fn error(text: &str) -> (u32, u32, String) {
    let e = parse_script(&format!("cluster 5\n{text}\n")).expect_err(text);
    (e.line, e.col, e.message)
}

#[test]
fn parses_zones_and_latency_rules() {
    let c = commands(
        "zone us n1 n2 n3\nzone eu-west_1 n4\nset latency zone us <-> zone eu-west_1 40ms..45ms\n\
         set latency zone us <-> zone us 1ms..2ms\nset latency n5 <-> n1 7ms..9ms\nset latency 3ms..4ms",
    );
    assert_eq!(
        c,
        [
            Command::Zone { name: "us".into(), nodes: vec![1, 2, 3] },
            Command::Zone { name: "eu-west_1".into(), nodes: vec![4] },
            Command::SetZoneLatency { a: "us".into(), b: "eu-west_1".into(), lo: 40, hi: 45 },
            Command::SetZoneLatency { a: "us".into(), b: "us".into(), lo: 1, hi: 2 },
            Command::SetLinkLatency { a: 5, b: 1, lo: 7, hi: 9 },
            Command::SetLatency(3, 4),
        ]
    );
}

#[test]
fn zone_commands_are_network_commands_and_do_not_end_setup() {
    // A setup command after them is still allowed.
    let s = parse_script("cluster 3\nzone a n1\nset latency n1 <-> n2 5ms..5ms\nseed 9\nrun 1s\n").unwrap();
    assert_eq!(s.setup.seed, 9);
    // `cluster` must still come first, so the nodes named are checked against it.
    let e = parse_script("zone a n1\ncluster 3\n").unwrap_err();
    assert_eq!((e.line, e.col), (2, 1));
}

#[test]
fn bad_zone_lines_name_the_line_and_word() {
    let (line, col, msg) = error("zone us n1 n9");
    assert_eq!((line, col), (2, 12));
    assert!(msg.contains("n9 is not in the cluster"), "{msg}");
    let (_, col, msg) = error("zone 1us n1");
    assert_eq!(col, 6);
    assert!(msg.contains("bad zone name `1us`"), "{msg}");
    let (_, _, msg) = error("zone u.s n1");
    assert!(msg.contains("bad zone name"), "{msg}");
    let (_, col, msg) = error("zone n3 n1");
    assert_eq!(col, 6);
    assert!(msg.contains("cannot name a zone"), "{msg}");
    let (_, _, msg) = error("zone us");
    assert!(msg.contains("missing the zone's servers"), "{msg}");
    let (_, col, msg) = error("zone us n1 n1");
    assert_eq!(col, 12);
    assert!(msg.contains("named twice"), "{msg}");
    let (_, _, msg) = error(&format!("zone {} n1", "a".repeat(25)));
    assert!(msg.contains("at most 24"), "{msg}");
}

#[test]
fn bad_latency_rules_name_the_line_and_word() {
    let (line, col, msg) = error("zone us n1\nrun 1s\nset latency zone us <-> zone eu 1ms..2ms");
    assert_eq!((line, col), (4, 30));
    assert!(msg.contains("no zone named `eu` (zones: us)"), "{msg}");
    let (_, _, msg) = error("set latency zone us <-> zone us 1ms..2ms");
    assert!(msg.contains("define it first"), "{msg}");
    let (_, col, msg) = error("zone us n1\nset latency zone us -> zone us 1ms..2ms");
    assert_eq!(col, 21);
    assert!(msg.contains("write `<->`"), "{msg}");
    let (_, col, msg) = error("zone us n1\nset latency zone us <-> us 1ms..2ms");
    assert_eq!(col, 25);
    assert!(msg.contains("expected `zone`"), "{msg}");
    let (_, _, msg) = error("zone us n1\nset latency zone us <-> zone us");
    assert!(msg.contains("missing a range"), "{msg}");
    let (_, col, msg) = error("zone us n1\nset latency zone us <-> zone us 9ms..2ms");
    assert_eq!(col, 33);
    assert!(msg.contains("is empty"), "{msg}");
    let (_, col, msg) = error("set latency n1 <-> n1 5ms..6ms");
    assert_eq!(col, 20);
    assert!(msg.contains("two different servers"), "{msg}");
    let (_, col, msg) = error("set latency n1 <-> n7 5ms..6ms");
    assert_eq!(col, 20);
    assert!(msg.contains("n7 is not in the cluster"), "{msg}");
    let (_, _, msg) = error("set latency n1 <-> n2 5ms..6ms extra");
    assert!(msg.contains("unexpected `extra`"), "{msg}");
    // The base form keeps its own messages.
    let (_, col, msg) = error("set latency 10ms");
    assert_eq!(col, 13);
    assert!(msg.contains("expected a range"), "{msg}");
    let (_, col, msg) = error("set latency 10ms..20ms extra");
    assert_eq!(col, 24);
    assert!(msg.contains("usage: `set latency A..B`"), "{msg}");
}

#[test]
fn the_runner_places_servers_and_applies_the_rules() {
    let text = "cluster 5\nzone us n1 n2 n3\nzone eu n4 n5\nset latency 2ms..2ms\n\
                set latency zone us <-> zone eu 40ms..40ms\nset latency n1 <-> n2 9ms..9ms\n\
                zone eu n3 n4 n5\nrun 1s\nexpect leader any\n";
    let mut runner = run_text(text).unwrap();
    assert!(runner.ok(), "{:?}", runner.failures);
    let net = &runner.world.network;
    assert_eq!(net.zone_of(3), Some("eu"), "re-zoning moves n3");
    assert_eq!(net.latency_between(1, 2), (9, 9), "link");
    assert_eq!(net.latency_between(1, 3), (40, 40), "zone pair, following n3's move");
    assert_eq!(net.latency_between(4, 5), (2, 2), "base within a zone");
    let view = runner.view();
    assert_eq!(view.zones.len(), 2);
    assert_eq!((view.zones[1].name.as_str(), view.zones[1].nodes.as_slice()), ("eu", &[3u64, 4, 5][..]));
    assert_eq!(view.network.zone_latency[0].latency_ms, [40, 40]);
    assert_eq!((view.network.link_latency[0].a, view.network.link_latency[0].b), (1, 2));
    // Every message in flight took its rule's delay.
    assert!(!view.in_flight.is_empty(), "heartbeats are in flight");
    for m in &view.in_flight {
        let want = runner.world.network.latency_between(m.from, m.to).0.max(1);
        assert_eq!(m.deliver_ms - m.send_ms, want, "m{} n{}->n{}", m.id, m.from, m.to);
    }
}

#[test]
fn live_lines_leave_unknown_zones_to_the_world() {
    // The page's command box has no file to look zones up in: the line
    // parses, and the world refuses it when it runs.
    let mut ctx = ParseContext::live(vec![1, 2, 3]);
    let cmd = parse_line("set latency zone us <-> zone eu 5ms..6ms", 1, &mut ctx).unwrap().unwrap();
    let mut runner = run_text("cluster 3\nrun 10ms\nexpect leader none\n").unwrap();
    let err = runner.exec_command(&cmd).unwrap_err();
    assert!(err.contains("no zone named `us`"), "{err}");
    let zone = parse_line("zone us n1 n2", 2, &mut ctx).unwrap().unwrap();
    runner.exec_command(&zone).unwrap();
    assert_eq!(runner.world.network.zone_of(2), Some("us"));
}
