//! The scenario language: its syntax tree, parser and runner.
pub mod ast;
pub mod lesson;
pub mod parse;
pub mod run;
