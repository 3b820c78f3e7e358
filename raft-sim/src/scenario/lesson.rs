//! Lessons: a scenario file with narration (docs/scenario-language.md,
//! "Lessons").
//!
//! A lesson is an ordinary scenario whose commands are grouped into *steps*.
//! Each step carries text in English and Chinese, optional highlights, and
//! ends in a pause that waits for the reader's "Next". A *task* is a step that
//! asks the reader to act; it names a reference solution (`solution CMD`
//! lines, what "show me" performs) and a goal (`until COND within D`).
//!
//! Narration never changes the run. This module turns a lesson into a plain
//! [`Script`] by blanking every narration line and rewriting `solution CMD`
//! to `CMD` and `until …` to `await …` — both in place, so every line and
//! column stays where it was in the file. Run headless (`raft-sim run`), a
//! lesson is therefore exactly its commands with every task solved by its
//! solution; the page runs the same commands step by step and gets the same
//! trace.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::ast::{Command, Located, NodeRef, ParseError, Script};
use super::parse::parse_script;

/// Text in both languages the page offers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Text {
    pub en: String,
    pub zh: String,
}

/// Where a lesson sits in the course (lessons.html groups by this).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize))]
#[cfg_attr(test, serde(rename_all = "lowercase"))]
pub enum Group {
    Basics,
    Safety,
    Operating,
    Beyond,
}

const GROUPS: &[(&str, Group)] =
    &[("basics", Group::Basics), ("safety", Group::Safety), ("operating", Group::Operating), ("beyond", Group::Beyond)];

/// What a step draws attention to on the canvas.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize))]
#[cfg_attr(test, serde(tag = "kind", rename_all = "lowercase"))]
pub enum Highlight {
    /// `highlight n3` / `highlight leader`: a server (`node` is null for `leader`).
    Node { node: Option<u64> },
    /// `highlight message RequestVote`: every message of that type in flight.
    Message { message: String },
    /// `highlight entry 3` (that index in every log) / `highlight entry n2 3`.
    Entry { node: Option<u64>, index: u64 },
    /// `highlight quorum`: the line saying what a commit or election needs.
    Quorum,
}

pub use super::ast::MESSAGE_TYPES;

/// A task: what the reader is asked to do, and how the lesson checks it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Task {
    pub hint: Text,
    /// The reference solution, one command per entry (source text), run by "show me".
    pub solution: Vec<String>,
    /// The goal as an `await COND within D` command (source text): after the
    /// solution (or the reader's own commands) this must hold.
    pub until: String,
    /// The goal's condition alone (`COND`), for the page to test after each
    /// command the reader gives.
    pub condition: String,
    /// Line of the `until`.
    pub until_line: u32,
}

/// One step: the commands that play when the reader arrives, then a pause.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Step {
    /// Line of the `step` / `task` keyword.
    pub line: u32,
    pub text: Text,
    pub highlights: Vec<Highlight>,
    /// Source text of the commands that run on entering the step (a task's
    /// solution and goal are not among them: see [`Task`]).
    pub commands: Vec<String>,
    /// Lines of those commands.
    pub command_lines: Vec<u32>,
    /// Whether one of those commands is an `expect` or `await`: what backs
    /// the step's claims about the cluster.
    pub checked: bool,
    pub task: Option<Task>,
}

/// A whole lesson.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Lesson {
    pub title: Text,
    pub summary: Text,
    pub group: Group,
    /// The paper or thesis section, free text (`§5.2`, `thesis §9.6`).
    pub section: String,
    /// The setup and any commands before the first step, as source text:
    /// what the page loads before step 1.
    pub prelude: String,
    pub steps: Vec<Step>,
    /// The headless form: every command, solutions included, in file order.
    #[cfg_attr(test, serde(skip))]
    pub script: Script,
}

/// Words that make a file a lesson.
const STEP_WORDS: &[&str] = &["step", "task"];

/// Does this text use the lesson syntax (has a `step` or `task` line)?
pub fn is_lesson(text: &str) -> bool {
    text.lines().any(|l| matches!(first_word(l), Some((w, _)) if STEP_WORDS.contains(&w)))
}

/// The first word of a line and its byte offset, ignoring comments.
fn first_word(line: &str) -> Option<(&str, usize)> {
    let code = line.split('#').next().unwrap_or("");
    let start = code.find(|c: char| c != ' ' && c != '\t')?;
    let rest = &code[start..];
    let end = rest.find([' ', '\t', '\r']).unwrap_or(rest.len());
    Some((&rest[..end], start))
}

fn col_of(line: &str, byte: usize) -> u32 {
    u32::try_from(line[..byte].chars().count() + 1).unwrap_or(u32::MAX)
}

fn err(line: u32, col: u32, message: String) -> ParseError {
    ParseError { line, col, message }
}

/// A step or task while it is being read.
struct Open {
    step: Step,
    is_task: bool,
    hint: Text,
    solution_lines: Vec<u32>,
    until_line: Option<u32>,
}

/// Parses a lesson. Every error is located (`line`, `col`); the checks beyond
/// the command grammar are: every step and task has text in both languages;
/// a task has a hint in both languages, at least one `solution` and one
/// `until`; every highlight names a known target; the header has a title,
/// summary and group.
pub fn parse_lesson(text: &str) -> Result<Lesson, ParseError> {
    let mut plain = String::with_capacity(text.len());
    let mut title = Text::default();
    let mut summary = Text::default();
    let mut group: Option<Group> = None;
    let mut section = String::new();
    let mut prelude = String::new();
    let mut steps: Vec<Open> = Vec::new();
    // (line, col, highlight) checked against the cluster once the script is parsed.
    let mut node_refs: Vec<(u32, u32, u64)> = Vec::new();

    for (i, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let Some((word, at)) = first_word(raw) else {
            plain.push_str(raw);
            plain.push('\n');
            continue;
        };
        // Narration text runs to the end of the line, `#` included.
        let rest_raw = raw[at + word.len()..].trim_matches(|c| c == ' ' || c == '\t' || c == '\r');
        let col = col_of(raw, at);
        let mut keep = false; // pass the line through to the script as is
        match word {
            "step" | "task" => {
                let extra = raw.split('#').next().unwrap_or("")[at + word.len()..].trim();
                if !extra.is_empty() {
                    return Err(err(
                        line_no,
                        col_of(raw, find_str(raw, extra).unwrap_or(at)),
                        format!("unexpected `{extra}`; `{word}` stands alone on its line"),
                    ));
                }
                close_step(steps.last())?;
                steps.push(Open {
                    step: Step {
                        line: line_no,
                        text: Text::default(),
                        highlights: Vec::new(),
                        commands: Vec::new(),
                        command_lines: Vec::new(),
                        checked: false,
                        task: None,
                    },
                    is_task: word == "task",
                    hint: Text::default(),
                    solution_lines: Vec::new(),
                    until_line: None,
                });
            }
            "en:" | "zh:" => {
                let Some(open) = steps.last_mut() else {
                    return Err(err(
                        line_no,
                        col,
                        format!("`{word}` text belongs to a `step` or `task`; start one first"),
                    ));
                };
                if rest_raw.is_empty() {
                    return Err(err(line_no, col, format!("`{word}` has no text")));
                }
                let slot = if word == "en:" { &mut open.step.text.en } else { &mut open.step.text.zh };
                // Several lines of the same language join into one paragraph
                // (Chinese needs no space between them).
                if !slot.is_empty() && word == "en:" {
                    slot.push(' ');
                }
                slot.push_str(rest_raw);
            }
            "title" | "summary" | "hint" => {
                let (lang, body) = split_lang(rest_raw)
                    .ok_or_else(|| err(line_no, col, format!("usage: `{word} en: TEXT` and `{word} zh: TEXT`")))?;
                if body.is_empty() {
                    return Err(err(line_no, col, format!("`{word} {lang}:` has no text")));
                }
                let target = match word {
                    "title" => &mut title,
                    "summary" => &mut summary,
                    _ => {
                        let Some(open) = steps.last_mut().filter(|o| o.is_task) else {
                            return Err(err(line_no, col, "`hint` belongs to a `task`".to_string()));
                        };
                        &mut open.hint
                    }
                };
                let slot = if lang == "en" { &mut target.en } else { &mut target.zh };
                if !slot.is_empty() {
                    slot.push(' ');
                }
                slot.push_str(body);
            }
            "group" => {
                let g = rest_raw.split('#').next().unwrap_or("").trim();
                let g_col = col_of(raw, find_str(raw, g).filter(|_| !g.is_empty()).unwrap_or(at + word.len()));
                group = Some(GROUPS.iter().find(|(n, _)| *n == g).map(|(_, g)| *g).ok_or_else(|| {
                    err(line_no, g_col, format!("unknown group `{g}`; one of basics, safety, operating, beyond"))
                })?);
            }
            "section" => {
                section = rest_raw.to_string();
                if section.is_empty() {
                    return Err(err(line_no, col, "usage: `section TEXT` (e.g. `section §5.2`)".to_string()));
                }
            }
            "highlight" => {
                let Some(open) = steps.last_mut() else {
                    return Err(err(line_no, col, "`highlight` belongs to a `step` or `task`".to_string()));
                };
                let h = parse_highlight(raw, line_no, at + word.len(), &mut node_refs)?;
                open.step.highlights.push(h);
            }
            "solution" => {
                let Some(open) = steps.last_mut().filter(|o| o.is_task) else {
                    return Err(err(line_no, col, "`solution` belongs to a `task`".to_string()));
                };
                if open.until_line.is_some() {
                    return Err(err(line_no, col, "a task's `solution` lines come before its `until`".to_string()));
                }
                open.solution_lines.push(line_no);
                // `solution crash n1` → `         crash n1`: same columns.
                plain.push_str(&raw[..at]);
                plain.push_str(&" ".repeat(word.len()));
                plain.push_str(&raw[at + word.len()..]);
                plain.push('\n');
                continue;
            }
            "until" => {
                let Some(open) = steps.last_mut().filter(|o| o.is_task) else {
                    return Err(err(line_no, col, "`until` belongs to a `task`".to_string()));
                };
                if open.until_line.is_some() {
                    return Err(err(line_no, col, "a task has one `until`".to_string()));
                }
                if open.solution_lines.is_empty() {
                    return Err(err(line_no, col, "a task's `solution` lines come before its `until`".to_string()));
                }
                open.until_line = Some(line_no);
                // `until COND within D` → `await COND within D`: same columns.
                plain.push_str(&raw[..at]);
                plain.push_str("await");
                plain.push_str(&raw[at + word.len()..]);
                plain.push('\n');
                continue;
            }
            _ => keep = true,
        }
        if keep {
            if let Some(open) = steps.last() {
                if open.until_line.is_some() {
                    return Err(err(
                        line_no,
                        col,
                        "commands after a task's `until` belong in the next `step`".to_string(),
                    ));
                }
                if !open.solution_lines.is_empty() {
                    return Err(err(
                        line_no,
                        col,
                        "a task's own commands come before its `solution` lines".to_string(),
                    ));
                }
            } else {
                prelude.push_str(raw);
                prelude.push('\n');
            }
            plain.push_str(raw);
        }
        plain.push('\n');
    }
    close_step(steps.last())?;

    if steps.is_empty() {
        return Err(err(1, 1, "a lesson needs at least one `step`".to_string()));
    }
    for (what, t) in [("title", &title), ("summary", &summary)] {
        if t.en.is_empty() || t.zh.is_empty() {
            let lang = if t.en.is_empty() { "en" } else { "zh" };
            return Err(err(1, 1, format!("a lesson needs `{what} {lang}: …` in its header")));
        }
    }
    let Some(group) = group else {
        return Err(err(1, 1, "a lesson needs `group basics|safety|operating|beyond` in its header".to_string()));
    };
    if section.is_empty() {
        return Err(err(1, 1, "a lesson needs `section …` (its paper or thesis section) in its header".to_string()));
    }

    let script = parse_script(&plain)?;
    check_nodes(&script, &node_refs)?;

    // Hand each command to its step by line.
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    for (k, open) in steps.iter().enumerate() {
        let from = open.step.line;
        let to = steps.get(k + 1).map_or(u32::MAX, |n| n.step.line);
        let mut step = open.step.clone();
        let mut solution = Vec::new();
        let mut until = None;
        for c in script.commands.iter().filter(|c| c.line > from && c.line < to) {
            if open.solution_lines.contains(&c.line) {
                solution.push(c.text.clone());
            } else if open.until_line == Some(c.line) {
                until = Some(c);
            } else {
                step.checked |= matches!(c.value, Command::Expect(_) | Command::Await { .. });
                step.commands.push(c.text.clone());
                step.command_lines.push(c.line);
            }
        }
        if let Some(u) = until {
            step.task = Some(Task {
                hint: open.hint.clone(),
                solution,
                until: u.text.clone(),
                condition: condition_text(&u.text),
                until_line: u.line,
            });
        }
        out.push(step);
    }
    Ok(Lesson { title, summary, group, section, prelude, steps: out, script })
}

/// Checks a finished step or task: both languages, and a task's hint,
/// solution and goal.
fn close_step(open: Option<&Open>) -> Result<(), ParseError> {
    let Some(o) = open else { return Ok(()) };
    let kw = if o.is_task { "task" } else { "step" };
    if o.step.text.en.is_empty() {
        return Err(err(o.step.line, 1, format!("this {kw} has no English text (`en: …`)")));
    }
    if o.step.text.zh.is_empty() {
        return Err(err(o.step.line, 1, format!("this {kw} has no Chinese text (`zh: …`)")));
    }
    if o.is_task {
        if o.solution_lines.is_empty() {
            return Err(err(
                o.step.line,
                1,
                "this task has no `solution` (the commands \"show me\" performs)".to_string(),
            ));
        }
        if o.until_line.is_none() {
            return Err(err(
                o.step.line,
                1,
                "this task has no `until COND within D` (when it counts as done)".to_string(),
            ));
        }
        if o.hint.en.is_empty() || o.hint.zh.is_empty() {
            let lang = if o.hint.en.is_empty() { "en" } else { "zh" };
            return Err(err(o.step.line, 1, format!("this task has no `hint {lang}: …`")));
        }
    }
    Ok(())
}

/// `en: text` → ("en", "text").
fn split_lang(rest: &str) -> Option<(&'static str, &str)> {
    for lang in ["en", "zh"] {
        if let Some(body) = rest.strip_prefix(lang).and_then(|b| b.strip_prefix(':')) {
            return Some((lang, body.trim()));
        }
    }
    None
}

/// `hay.find(needle)`, byte by byte. `str::find` with a `&str` pattern links
/// core's two-way substring searcher (about 3 KB of wasm) for the few short
/// searches the lesson and scenario parsers make; these lines are short.
pub(crate) fn find_str(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes().windows(needle.len()).position(|w| w == needle.as_bytes())
}

/// `hay.rfind(needle)`, byte by byte (see [`find_str`]).
pub(crate) fn rfind_str(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(hay.len());
    }
    hay.as_bytes().windows(needle.len()).rposition(|w| w == needle.as_bytes())
}

/// `await COND within D` → `COND`.
fn condition_text(await_text: &str) -> String {
    let body = await_text.strip_prefix("await").unwrap_or(await_text).trim();
    match rfind_str(body, " within ") {
        Some(i) => body[..i].trim().to_string(),
        None => body.to_string(),
    }
}

/// Parses the words after `highlight` (starting at byte `from` of `raw`).
fn parse_highlight(
    raw: &str,
    line: u32,
    from: usize,
    node_refs: &mut Vec<(u32, u32, u64)>,
) -> Result<Highlight, ParseError> {
    let code = raw.split('#').next().unwrap_or("");
    let mut words: Vec<(&str, u32)> = Vec::new();
    let mut pos = from;
    for w in code[from..].split([' ', '\t', '\r']) {
        if !w.is_empty() {
            words.push((w, col_of(raw, pos)));
        }
        pos += w.len() + 1;
    }
    let end = u32::try_from(code.trim_end().chars().count() + 1).unwrap_or(u32::MAX);
    let usage = "highlight nK | leader | message TYPE | entry [nK] INDEX | quorum";
    let Some(&(first, c0)) = words.first() else {
        return Err(err(line, end, format!("missing a target; usage: `{usage}`")));
    };
    let node = |w: &str, c: u32, refs: &mut Vec<(u32, u32, u64)>| -> Result<Option<u64>, ParseError> {
        match parse_node(w) {
            Some(NodeRef::Leader) => Ok(None),
            Some(NodeRef::Node(id)) => {
                refs.push((line, c, id));
                Ok(Some(id))
            }
            None => Err(err(line, c, format!("expected a node like `n3` or `leader`, found `{w}`"))),
        }
    };
    let (h, used) = match first {
        "quorum" => (Highlight::Quorum, 1),
        "message" => {
            let Some(&(ty, c)) = words.get(1) else {
                return Err(err(line, end, format!("missing a message type; one of {}", MESSAGE_TYPES.join(", "))));
            };
            if !MESSAGE_TYPES.contains(&ty) {
                return Err(err(line, c, format!("unknown message type `{ty}`; one of {}", MESSAGE_TYPES.join(", "))));
            }
            (Highlight::Message { message: ty.to_string() }, 2)
        }
        "entry" => {
            let (n, idx_at) = match words.get(1) {
                Some(&(w, c)) if parse_node(w).is_some() => (node(w, c, node_refs)?, 2),
                _ => (None, 1),
            };
            let Some(&(iw, ic)) = words.get(idx_at) else {
                return Err(err(line, end, "missing a log index; usage: `highlight entry [nK] INDEX`".to_string()));
            };
            let index = iw
                .parse::<u64>()
                .ok()
                .filter(|&i| i >= 1)
                .ok_or_else(|| err(line, ic, format!("expected a log index (1, 2, …), found `{iw}`")))?;
            (Highlight::Entry { node: n, index }, idx_at + 1)
        }
        w if parse_node(w).is_some() => (Highlight::Node { node: node(w, c0, node_refs)? }, 1),
        other => {
            return Err(err(line, c0, format!("unknown highlight target `{other}`; usage: `{usage}`")));
        }
    };
    if let Some(&(w, c)) = words.get(used) {
        return Err(err(line, c, format!("unexpected `{w}`; usage: `{usage}`")));
    }
    Ok(h)
}

/// `n3` → node 3 (1..=15), `leader` → the leader.
fn parse_node(w: &str) -> Option<NodeRef> {
    if w == "leader" {
        return Some(NodeRef::Leader);
    }
    let digits = w.strip_prefix('n')?;
    if digits.starts_with('0') {
        return None;
    }
    digits.parse::<u64>().ok().filter(|n| (1..=crate::MAX_NODES).contains(n)).map(NodeRef::Node)
}

/// A highlighted node must exist somewhere in the lesson: the initial
/// cluster or a node an `add`/`reconfigure` creates.
fn check_nodes(script: &Script, refs: &[(u32, u32, u64)]) -> Result<(), ParseError> {
    let mut known: Vec<u64> = (1..=u64::from(script.setup.cluster)).collect();
    for c in &script.commands {
        match &c.value {
            Command::Add(id) => known.push(*id),
            Command::Reconfigure(ids) => known.extend(ids.iter().copied()),
            _ => {}
        }
    }
    for &(line, col, id) in refs {
        if !known.contains(&id) {
            return Err(err(line, col, format!("n{id} is not in the cluster (n1..n{})", script.setup.cluster)));
        }
    }
    Ok(())
}

/// The steps of a lesson as located commands, for runners that want to stop
/// between steps: `(step index, command)` in file order, solutions included.
pub fn commands_by_step(lesson: &Lesson) -> Vec<(Option<usize>, &Located<Command>)> {
    lesson.script.commands.iter().map(|c| (lesson.steps.iter().rposition(|s| s.line < c.line), c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_searches_agree_with_str_find_and_rfind() {
        let hays = ["", "a", "await x within 2s", "a within b within c", "..", "1ms..2ms..3ms", "ééé within é", "aaaa"];
        let needles = ["", "a", "aa", " within ", "..", "é", "within", "zzz", "aaaaa"];
        for hay in hays {
            for needle in needles {
                assert_eq!(find_str(hay, needle), hay.find(needle), "{hay:?}.find({needle:?})");
                assert_eq!(rfind_str(hay, needle), hay.rfind(needle), "{hay:?}.rfind({needle:?})");
            }
        }
    }
}
