//! wasm-bindgen bindings (owned by the web implementer).
