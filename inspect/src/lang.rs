//! Languages the inspector parses with tree-sitter, chosen by file name, and parsing within
//! a time cap (issue 7: huge or minified files are handled within time and size caps).

use std::ops::ControlFlow;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use tree_sitter::{Node, Parser, Tree};

/// A language with a tree-sitter grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Python (`.py`, `.pyw`).
    Python,
    /// JavaScript (`.js`, `.mjs`, `.cjs`, `.jsx`).
    JavaScript,
    /// TypeScript (`.ts`, `.mts`, `.cts`).
    TypeScript,
    /// TypeScript with JSX (`.tsx`).
    Tsx,
    /// Go (`.go`).
    Go,
    /// Ruby (`.rb`, `.gemspec`, `Rakefile`, `Gemfile`).
    Ruby,
}

impl Lang {
    /// The language of a file, from its name.
    pub fn detect(path: &str) -> Option<Lang> {
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "py" | "pyw" => Some(Lang::Python),
            "js" | "mjs" | "cjs" | "jsx" => Some(Lang::JavaScript),
            "ts" | "mts" | "cts" => Some(Lang::TypeScript),
            "tsx" => Some(Lang::Tsx),
            "go" => Some(Lang::Go),
            "rb" | "gemspec" => Some(Lang::Ruby),
            _ if name == "rakefile" || name == "gemfile" => Some(Lang::Ruby),
            _ => None,
        }
    }

    /// Whether the language is JavaScript or TypeScript (they share the analysis).
    pub fn is_js(self) -> bool {
        matches!(self, Lang::JavaScript | Lang::TypeScript | Lang::Tsx)
    }

    fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
        }
    }
}

/// Why a file has no syntax tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseFailure {
    /// The parser ran past the time cap.
    Timeout(Duration),
    /// The grammar could not be loaded (a version mismatch between grammar and library).
    Grammar(String),
}

/// Parses `text`, giving up after `timeout`.
pub fn parse(lang: Lang, text: &str, timeout: Duration) -> Result<Tree, ParseFailure> {
    let mut parser = Parser::new();
    parser
        .set_language(&lang.grammar())
        .map_err(|e| ParseFailure::Grammar(e.to_string()))?;

    // The parser calls back very often; reading the clock on every call cost a seventh of
    // the parse, so it is read on every 256th.
    let started = Instant::now();
    let mut calls = 0u32;
    let mut progress = |_: &tree_sitter::ParseState| {
        calls = calls.wrapping_add(1);
        if calls.is_multiple_of(256) && started.elapsed() > timeout {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _: tree_sitter::Point| -> &[u8] {
        if offset < bytes.len() {
            &bytes[offset..]
        } else {
            &[]
        }
    };
    parser
        .parse_with_options(&mut read, None, Some(options))
        .ok_or(ParseFailure::Timeout(timeout))
}

/// The field names the analysis reads. tree-sitter finds a field by name by comparing it
/// with every field name of the grammar, which cost a few percent of the analysis; the ids
/// of these are looked up once per grammar instead.
const FIELD_NAMES: [&str; 28] = [
    "alias",
    "arguments",
    "attribute",
    "body",
    "condition",
    "constructor",
    "field",
    "function",
    "index",
    "key",
    "left",
    "method",
    "module_name",
    "name",
    "object",
    "operand",
    "operator",
    "parameters",
    "path",
    "property",
    "receiver",
    "right",
    "scope",
    "source",
    "subscript",
    "superclasses",
    "type",
    "value",
];

/// One grammar's ids of [`FIELD_NAMES`] (`None` where the grammar has no such field).
#[derive(Debug)]
pub struct Fields([Option<std::num::NonZeroU16>; FIELD_NAMES.len()]);

impl Fields {
    fn of(lang: Lang) -> Fields {
        let grammar = lang.grammar();
        Fields(FIELD_NAMES.map(|name| grammar.field_id_for_name(name)))
    }

    /// The child of `node` in the field `name`, like `Node::child_by_field_name`.
    pub fn child<'t>(&self, node: Node<'t>, name: &str) -> Option<Node<'t>> {
        match FIELD_NAMES.iter().position(|known| *known == name) {
            Some(i) => node.child_by_field_id(self.0[i]?.get()),
            None => node.child_by_field_name(name),
        }
    }
}

/// `node.field(fields, name)`: [`Fields::child`] in method position, so that it chains.
pub trait FieldOf<'t> {
    /// The child in the field `name`.
    fn field(self, fields: &Fields, name: &str) -> Option<Node<'t>>;
}

impl<'t> FieldOf<'t> for Node<'t> {
    fn field(self, fields: &Fields, name: &str) -> Option<Node<'t>> {
        fields.child(self, name)
    }
}

impl Lang {
    /// The field ids of this language's grammar, computed once.
    pub fn fields(self) -> &'static Fields {
        static ALL: LazyLock<[Fields; 6]> = LazyLock::new(|| {
            [
                Lang::Python,
                Lang::JavaScript,
                Lang::TypeScript,
                Lang::Tsx,
                Lang::Go,
                Lang::Ruby,
            ]
            .map(Fields::of)
        });
        let i = match self {
            Lang::Python => 0,
            Lang::JavaScript => 1,
            Lang::TypeScript => 2,
            Lang::Tsx => 3,
            Lang::Go => 4,
            Lang::Ruby => 5,
        };
        &ALL[i]
    }
}
