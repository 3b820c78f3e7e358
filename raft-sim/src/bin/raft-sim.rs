fn main() {
    eprintln!("usage: raft-sim run FILE [--json]");
    std::process::exit(2);
}
