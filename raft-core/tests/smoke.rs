mod common;
use common::*;

#[test]
fn three_nodes_elect_a_leader_by_timeout_and_replicate() {
    let mut net = Network::new(3, |_| {});
    net.run(400);
    let leaders = net.leaders();
    assert_eq!(leaders.len(), 1, "exactly one leader after 400 ticks");
    let l = leaders[0];
    for i in 0..10u8 {
        net.propose(l, &[i]).unwrap();
    }
    net.deliver_all();
    net.run(60); // a heartbeat carries the new commit index to followers
    for id in 1..=3 {
        assert_eq!(net.commands_applied(id), (0..10u8).map(|i| vec![i]).collect::<Vec<_>>(), "node {id}");
    }
    // Persistence: what was persisted is the log.
    for id in 1..=3 {
        assert_eq!(net.persisted[&id].entries, net.node(id).entries().to_vec());
        assert_eq!(net.persisted[&id].hard_state.current_term, net.status(id).current_term);
    }
}
