//! Linearizability checker for the key-value client history (owned by the
//! parser/checker implementer). CONTRACT:
//!
//! ```ignore
//! pub struct Operation { pub client: u64, pub op: OpKind, pub invoked_ms: u64, pub returned_ms: Option<u64> }
//! pub enum OpKind { Put { key: String, value: String }, Get { key: String, result: Option<String> } }
//! pub struct Violation { pub key: String, pub message: String }
//! /// Ok if some total order of the operations, consistent with real time
//! /// (an operation that returned before another was invoked comes first) and
//! /// with a sequential key-value map, explains every result. Operations that
//! /// never returned may take effect at any point after invocation, or never.
//! pub fn check(history: &[Operation]) -> Result<(), Violation>
//! ```
