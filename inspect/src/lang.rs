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

/// Declares [`Kind`] and the kind name of each variant.
macro_rules! node_kinds {
    ($($variant:ident = $name:literal,)*) => {
        /// The node kinds the analysis tells apart, [`Kind::Other`] for every other kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            /// A kind the analysis does not name.
            Other,
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        const KIND_NAMES: &[(&str, Kind)] = &[$(($name, Kind::$variant),)*];
    };
}

node_kinds! {
    ArgumentList = "argument_list",
    Array = "array",
    ArrayLiteral = "array_literal",
    ArrayPattern = "array_pattern",
    ArrowFunction = "arrow_function",
    AsExpression = "as_expression",
    AsPattern = "as_pattern",
    Assignment = "assignment",
    AssignmentExpression = "assignment_expression",
    AssignmentStatement = "assignment_statement",
    Attribute = "attribute",
    AugmentedAssignment = "augmented_assignment",
    AugmentedAssignmentExpression = "augmented_assignment_expression",
    Await = "await",
    AwaitExpression = "await_expression",
    Binary = "binary",
    BinaryExpression = "binary_expression",
    BinaryOperator = "binary_operator",
    BooleanOperator = "boolean_operator",
    Call = "call",
    CallExpression = "call_expression",
    Class = "class",
    ClassDeclaration = "class_declaration",
    ClassDefinition = "class_definition",
    Comment = "comment",
    CompositeLiteral = "composite_literal",
    ConcatenatedString = "concatenated_string",
    ConditionalExpression = "conditional_expression",
    ConstSpec = "const_spec",
    Constant = "constant",
    Decorator = "decorator",
    Dictionary = "dictionary",
    DictionaryComprehension = "dictionary_comprehension",
    DictionarySplat = "dictionary_splat",
    ElementReference = "element_reference",
    EscapeSequence = "escape_sequence",
    ExpressionList = "expression_list",
    ExpressionStatement = "expression_statement",
    FieldIdentifier = "field_identifier",
    ForInClause = "for_in_clause",
    ForInStatement = "for_in_statement",
    ForStatement = "for_statement",
    Function = "function",
    FunctionDeclaration = "function_declaration",
    FunctionDefinition = "function_definition",
    FunctionExpression = "function_expression",
    GeneratorExpression = "generator_expression",
    GeneratorFunctionDeclaration = "generator_function_declaration",
    Hash = "hash",
    Identifier = "identifier",
    IfStatement = "if_statement",
    ImportFromStatement = "import_from_statement",
    ImportSpec = "import_spec",
    ImportStatement = "import_statement",
    IndexExpression = "index_expression",
    InstanceVariable = "instance_variable",
    Interpolation = "interpolation",
    InterpretedStringLiteral = "interpreted_string_literal",
    InterpretedStringLiteralContent = "interpreted_string_literal_content",
    KeyedElement = "keyed_element",
    KeywordArgument = "keyword_argument",
    Lambda = "lambda",
    LeftAssignmentList = "left_assignment_list",
    List = "list",
    ListComprehension = "list_comprehension",
    ListPattern = "list_pattern",
    ListSplat = "list_splat",
    LiteralElement = "literal_element",
    LiteralValue = "literal_value",
    MemberExpression = "member_expression",
    Method = "method",
    MethodDeclaration = "method_declaration",
    MethodDefinition = "method_definition",
    NewExpression = "new_expression",
    NonNullExpression = "non_null_expression",
    Object = "object",
    ObjectPattern = "object_pattern",
    OperatorAssignment = "operator_assignment",
    PackageIdentifier = "package_identifier",
    Pair = "pair",
    PairPattern = "pair_pattern",
    ParenthesizedExpression = "parenthesized_expression",
    ParenthesizedStatements = "parenthesized_statements",
    PatternList = "pattern_list",
    PropertyIdentifier = "property_identifier",
    RawStringLiteral = "raw_string_literal",
    RawStringLiteralContent = "raw_string_literal_content",
    ReturnStatement = "return_statement",
    SatisfiesExpression = "satisfies_expression",
    ScopeResolution = "scope_resolution",
    SelectorExpression = "selector_expression",
    SequenceExpression = "sequence_expression",
    Set = "set",
    SetComprehension = "set_comprehension",
    ShortVarDeclaration = "short_var_declaration",
    ShorthandPropertyIdentifier = "shorthand_property_identifier",
    ShorthandPropertyIdentifierPattern = "shorthand_property_identifier_pattern",
    SingletonMethod = "singleton_method",
    SpreadElement = "spread_element",
    String = "string",
    StringContent = "string_content",
    StringEnd = "string_end",
    StringFragment = "string_fragment",
    StringLiteral = "string_literal",
    StringStart = "string_start",
    Subscript = "subscript",
    SubscriptExpression = "subscript_expression",
    Subshell = "subshell",
    TemplateString = "template_string",
    TemplateSubstitution = "template_substitution",
    TernaryExpression = "ternary_expression",
    Tuple = "tuple",
    TuplePattern = "tuple_pattern",
    TypeIdentifier = "type_identifier",
    UnaryExpression = "unary_expression",
    VarSpec = "var_spec",
    VariableDeclarator = "variable_declarator",
    WhileStatement = "while_statement",
    WithItem = "with_item",
}

/// One grammar's node kinds by kind id. `Node::kind` finds a kind's name and checks it is
/// UTF-8 at every call, and matching names compares strings arm by arm; the walk asked
/// that for every node several times. An id names the same kind as its name does: the
/// table is filled from the grammar's own name of every id.
#[derive(Debug)]
pub struct Kinds(Vec<Kind>);

impl Kinds {
    fn of_grammar(lang: Lang) -> Kinds {
        let grammar = lang.grammar();
        let ids = 0..u16::try_from(grammar.node_kind_count()).unwrap_or(u16::MAX);
        Kinds(
            ids.map(|id| {
                let name = grammar.node_kind_for_id(id);
                KIND_NAMES
                    .iter()
                    .find(|(known, _)| Some(*known) == name)
                    .map_or(Kind::Other, |(_, kind)| *kind)
            })
            .collect(),
        )
    }

    /// The kind of `node` (kinds outside the table, such as `ERROR`, are [`Kind::Other`]).
    pub fn of(&self, node: Node) -> Kind {
        self.0
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(Kind::Other)
    }
}

impl Lang {
    /// Every language, in the order of [`Lang::index`].
    const ALL: [Lang; 6] = [
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Go,
        Lang::Ruby,
    ];

    /// The position of this language in [`Lang::ALL`].
    fn index(self) -> usize {
        match self {
            Lang::Python => 0,
            Lang::JavaScript => 1,
            Lang::TypeScript => 2,
            Lang::Tsx => 3,
            Lang::Go => 4,
            Lang::Ruby => 5,
        }
    }

    /// The field ids of this language's grammar, computed once.
    pub fn fields(self) -> &'static Fields {
        static ALL: LazyLock<[Fields; 6]> = LazyLock::new(|| Lang::ALL.map(Fields::of));
        &ALL[self.index()]
    }

    /// The node kinds of this language's grammar by id, computed once.
    pub fn kinds(self) -> &'static Kinds {
        static ALL: LazyLock<[Kinds; 6]> = LazyLock::new(|| Lang::ALL.map(Kinds::of_grammar));
        &ALL[self.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node's kind by id is the kind its name says, aliased and anonymous nodes too.
    #[test]
    fn kinds_by_id_agree_with_kind_names() {
        let samples = [
            (
                Lang::Python,
                "import os as o\nx = f'a{b}' + \"c\"\nclass A:\n  def m(s): pass\n",
            ),
            (
                Lang::JavaScript,
                "const {a, b: c} = require('x'); new X(`t${y}`, () => 1);",
            ),
            (
                Lang::TypeScript,
                "let v = (a as any)!.b[0]; function f(): void {}",
            ),
            (Lang::Tsx, "const e = <div a={x ?? 'y'}>{z}</div>;"),
            (
                Lang::Go,
                "package p\nimport h \"net/http\"\nfunc f() { a, b := h.Get(`u`) }",
            ),
            (
                Lang::Ruby,
                "require 'x'\nclass A; def m; `ls`; @v = ENV['K']; end; end",
            ),
        ];
        for (lang, source) in samples {
            let tree = parse(lang, source, Duration::from_secs(5)).expect("parses");
            let kinds = lang.kinds();
            let mut cursor = tree.walk();
            let mut named = 0;
            loop {
                let node = cursor.node();
                let by_name = KIND_NAMES
                    .iter()
                    .find(|(name, _)| *name == node.kind())
                    .map_or(Kind::Other, |(_, kind)| *kind);
                assert_eq!(kinds.of(node), by_name, "{lang:?} {}", node.kind());
                named += usize::from(by_name != Kind::Other);
                if cursor.goto_first_child() || cursor.goto_next_sibling() {
                    continue;
                }
                while cursor.goto_parent() && !cursor.goto_next_sibling() {}
                if cursor.node() == tree.root_node() {
                    break;
                }
            }
            assert!(named > 5, "{lang:?}: only {named} nodes of named kinds");
        }
    }
}
