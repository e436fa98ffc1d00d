//! A subset of Go's text/template, as docker's `--format` uses it: actions with trim markers,
//! fields and method calls (`.Name`, `.Label "k"`), variables, pipelines, `if`/`else`,
//! `range`, `with`, comments, and the docker CLI's functions (`json`, `join`, `split`,
//! `lower`, `upper`, `title`, `pad`, `truncate`) plus Go's builtins (`and`, `or`, `not`,
//! `len`, `index`, `print`, `printf`, `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`).
//! Errors are worded as Go's (`template: :1:2: executing "" at <.X>: …`).

use super::value::Value;

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    text: String,
    nodes: Vec<Node>,
}

/// Which function set a run uses: docker prints table headers with functions that leave
/// their argument as it is (`templates.HeaderFunctions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Funcs {
    Basic,
    Header,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Pipe),
    If {
        pipe: Pipe,
        then: Vec<Node>,
        otherwise: Vec<Node>,
    },
    With {
        pipe: Pipe,
        then: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Range {
        pipe: Pipe,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
}

#[derive(Debug, Clone)]
struct Pipe {
    decl: Vec<String>,
    assign: bool,
    cmds: Vec<Cmd>,
}

#[derive(Debug, Clone)]
struct Cmd {
    args: Vec<Arg>,
}

#[derive(Debug, Clone)]
enum Term {
    /// `.A.B` (empty chain: `.`).
    Field(Vec<String>),
    Var(String, Vec<String>),
    Ident(String),
    Str(String),
    Int(i64),
    Bool(bool),
    Nil,
    Pipe(Box<Pipe>, Vec<String>),
}

#[derive(Debug, Clone)]
struct Arg {
    pos: usize,
    term: Term,
}

impl Arg {
    /// How Go prints the node in error contexts.
    fn context(&self) -> String {
        match &self.term {
            Term::Field(chain) if chain.is_empty() => ".".into(),
            Term::Field(chain) => chain.iter().map(|c| format!(".{c}")).collect(),
            Term::Var(name, chain) => {
                let mut s = format!("${name}");
                for c in chain {
                    s.push('.');
                    s.push_str(c);
                }
                s
            }
            Term::Ident(name) => name.clone(),
            Term::Str(s) => berth_model::golang::quote(s),
            Term::Int(i) => i.to_string(),
            Term::Bool(b) => b.to_string(),
            Term::Nil => "nil".into(),
            Term::Pipe(_, _) => "(...)".into(),
        }
    }
}

// ------------------------------------------------------------------------------------------
// Lexing

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Field(Vec<String>),
    Var(String, Vec<String>),
    Ident(String),
    Str(String),
    Int(i64),
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
    /// A `.X` chain right after `)`.
    Chain(Vec<String>),
}

#[derive(Debug, Clone)]
struct Token {
    pos: usize,
    tok: Tok,
}

/// One `{{…}}`: its tokens (none for a comment) and where it starts.
struct ActionToks {
    pos: usize,
    toks: Vec<Token>,
    comment: bool,
}

enum Piece {
    Text(String),
    Action(ActionToks),
}

fn line_of(text: &str, pos: usize) -> usize {
    1 + text[..pos.min(text.len())].matches('\n').count()
}

fn perr(text: &str, pos: usize, msg: &str) -> String {
    format!("template: :{}: {msg}", line_of(text, pos))
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn split_pieces(text: &str) -> Result<Vec<Piece>, String> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut i = 0;
    let mut pending = String::new();
    while i < bytes.len() {
        if !text[i..].starts_with("{{") {
            let next = text[i..].find("{{").map_or(bytes.len(), |n| i + n);
            pending.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let start = i;
        let mut j = i + 2;
        // Left trim marker: "{{- " (a dash followed by a space).
        if bytes.get(j) == Some(&b'-') && bytes.get(j + 1).is_some_and(|c| is_space(*c)) {
            let trimmed = pending.trim_end_matches([' ', '\t', '\r', '\n']).len();
            pending.truncate(trimmed);
            j += 2;
        }
        if !pending.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut pending)));
        }
        // Comments.
        let rest = text[j..].trim_start_matches([' ', '\t', '\r', '\n']);
        if rest.starts_with("/*") {
            let from = text.len() - rest.len();
            let Some(end) = text[from..].find("*/") else {
                return Err(perr(text, start, "unclosed comment"));
            };
            let mut k = from + end + 2;
            let mut trim_right = false;
            let after = &text[k..];
            let after_trim = after.trim_start_matches([' ', '\t', '\r', '\n']);
            if after_trim.starts_with("-}}") && after_trim.len() < after.len() {
                trim_right = true;
                k = text.len() - after_trim.len() + 3;
            } else if after.starts_with("}}") {
                k += 2;
            } else {
                return Err(perr(text, start, "comment ends before closing delimiter"));
            }
            pieces.push(Piece::Action(ActionToks {
                pos: start,
                toks: Vec::new(),
                comment: true,
            }));
            i = k;
            if trim_right {
                while i < bytes.len() && is_space(bytes[i]) {
                    i += 1;
                }
            }
            continue;
        }
        let (toks, end, trim_right) = lex_action(text, j, start)?;
        pieces.push(Piece::Action(ActionToks {
            pos: start,
            toks,
            comment: false,
        }));
        i = end;
        if trim_right {
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
        }
    }
    if !pending.is_empty() {
        pieces.push(Piece::Text(pending));
    }
    Ok(pieces)
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Lexes an action's inside from `i`; returns its tokens, the offset after `}}`, and
/// whether a right trim marker ended it.
fn lex_action(text: &str, mut i: usize, start: usize) -> Result<(Vec<Token>, usize, bool), String> {
    let bytes = text.as_bytes();
    let mut toks: Vec<Token> = Vec::new();
    loop {
        if i >= bytes.len() {
            return Err(perr(text, start, "unclosed action"));
        }
        let c = bytes[i];
        if is_space(c) {
            // " -}}" is a right trim marker.
            let rest = text[i..].trim_start_matches([' ', '\t', '\r', '\n']);
            if rest.starts_with("-}}") {
                return Ok((toks, text.len() - rest.len() + 3, true));
            }
            if rest.is_empty() {
                return Err(perr(text, start, "unclosed action"));
            }
            i = text.len() - rest.len();
            continue;
        }
        if text[i..].starts_with("}}") {
            return Ok((toks, i + 2, false));
        }
        let pos = i;
        let tok = match c {
            b'|' => {
                i += 1;
                Tok::Pipe
            }
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b')' => {
                i += 1;
                if bytes.get(i) == Some(&b'.') {
                    toks.push(Token {
                        pos,
                        tok: Tok::RParen,
                    });
                    let (chain, end) = lex_chain(text, i);
                    i = end;
                    toks.push(Token {
                        pos: pos + 1,
                        tok: Tok::Chain(chain),
                    });
                    continue;
                }
                Tok::RParen
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b':' if bytes.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Declare
            }
            b'=' => {
                i += 1;
                Tok::Assign
            }
            b'.' if bytes.get(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                return Err(perr(text, start, "bad number syntax"));
            }
            b'.' => {
                let (chain, end) = lex_chain(text, i);
                i = end;
                Tok::Field(chain)
            }
            b'$' => {
                let mut j = i + 1;
                while j < bytes.len() && is_ident_char(text[j..].chars().next().unwrap_or(' ')) {
                    j += text[j..].chars().next().map_or(1, char::len_utf8);
                }
                let name = text[i + 1..j].to_string();
                let (chain, end) = if bytes.get(j) == Some(&b'.') {
                    lex_chain(text, j)
                } else {
                    (Vec::new(), j)
                };
                i = end;
                Tok::Var(name, chain)
            }
            b'"' => {
                let (s, end) = lex_quoted(text, i)
                    .ok_or_else(|| perr(text, start, "unterminated quoted string"))?;
                i = end;
                Tok::Str(s)
            }
            b'`' => {
                let Some(end) = text[i + 1..].find('`') else {
                    return Err(perr(text, start, "unterminated raw quoted string"));
                };
                let s = text[i + 1..i + 1 + end].to_string();
                i = i + end + 2;
                Tok::Str(s)
            }
            b'-' | b'+' | b'0'..=b'9' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                let lit = &text[i..j];
                let n = lit
                    .parse::<i64>()
                    .map_err(|_| perr(text, start, &format!("bad number syntax: {:?}", lit)))?;
                i = j;
                Tok::Int(n)
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                if !is_ident_char(ch) {
                    return Err(perr(
                        text,
                        start,
                        &format!("unexpected {} in command", quote_rune(ch)),
                    ));
                }
                let mut j = i;
                while j < bytes.len() {
                    let ch = text[j..].chars().next().unwrap_or(' ');
                    if !is_ident_char(ch) {
                        break;
                    }
                    j += ch.len_utf8();
                }
                let word = text[i..j].to_string();
                i = j;
                Tok::Ident(word)
            }
        };
        toks.push(Token { pos, tok });
    }
}

fn quote_rune(c: char) -> String {
    format!("'{c}'")
}

/// `.A.B` from `i` (at the first dot): the chain and the offset after it.
fn lex_chain(text: &str, mut i: usize) -> (Vec<String>, usize) {
    let mut chain = Vec::new();
    while text[i..].starts_with('.') {
        let mut j = i + 1;
        while j < text.len() {
            let ch = text[j..].chars().next().unwrap_or(' ');
            if !is_ident_char(ch) {
                break;
            }
            j += ch.len_utf8();
        }
        if j == i + 1 {
            // A bare dot.
            i = j;
            break;
        }
        chain.push(text[i + 1..j].to_string());
        i = j;
    }
    (chain, i)
}

/// A Go interpreted string literal from `i` (at the quote).
fn lex_quoted(text: &str, i: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text[i + 1..].char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1 + k + 1)),
            '\n' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    'x' | 'u' | 'U' => {
                        let len = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut hex = String::new();
                        for _ in 0..len {
                            hex.push(chars.next()?.1);
                        }
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    _ => return None,
                }
            }
            c => out.push(c),
        }
    }
    None
}

// ------------------------------------------------------------------------------------------
// Parsing

struct Parser<'a> {
    text: &'a str,
    pieces: std::iter::Peekable<std::vec::IntoIter<Piece>>,
}

/// How a list of nodes ended.
enum Stop {
    Eof,
    End,
    Else(Option<(usize, Vec<Token>)>),
}

impl Template {
    /// Parses `text` (Go's `template.New("").Parse(text)` with docker's functions).
    pub fn parse(text: &str) -> Result<Template, String> {
        let pieces = split_pieces(text)?;
        let mut parser = Parser {
            text,
            pieces: pieces.into_iter().peekable(),
        };
        let (nodes, end) = parser.list()?;
        match end {
            Stop::Eof => Ok(Template {
                text: text.to_string(),
                nodes,
            }),
            Stop::End => Err(perr(text, text.len(), "unexpected {{end}}")),
            Stop::Else(_) => Err(perr(text, text.len(), "unexpected {{else}}")),
        }
    }

    /// Runs the template on `dot`.
    pub fn execute(&self, dot: &Value, funcs: Funcs) -> Result<String, String> {
        let mut exec = Exec {
            text: &self.text,
            funcs,
            vars: vec![(String::new(), dot.clone())],
            out: String::new(),
        };
        match exec.walk(&self.nodes, dot) {
            Ok(()) => Ok(exec.out),
            Err(e) => Err(e),
        }
    }

    /// Runs the template on `dot`, keeping what was written before an error (docker ignores
    /// errors when it prints table headers).
    pub fn execute_partial(&self, dot: &Value, funcs: Funcs) -> String {
        let mut exec = Exec {
            text: &self.text,
            funcs,
            vars: vec![(String::new(), dot.clone())],
            out: String::new(),
        };
        let _ = exec.walk(&self.nodes, dot);
        exec.out
    }
}

const FUNCS: &[&str] = &[
    "json", "split", "join", "title", "lower", "upper", "pad", "truncate", "and", "or", "not",
    "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "slice",
    "html", "js", "urlquery", "call",
];

impl Parser<'_> {
    fn list(&mut self) -> Result<(Vec<Node>, Stop), String> {
        let mut nodes = Vec::new();
        while let Some(piece) = self.pieces.next() {
            let action = match piece {
                Piece::Text(t) => {
                    nodes.push(Node::Text(t));
                    continue;
                }
                Piece::Action(a) => a,
            };
            if action.comment {
                continue;
            }
            let pos = action.pos;
            let toks = action.toks;
            let keyword = match toks.first() {
                Some(Token {
                    tok: Tok::Ident(w), ..
                }) => w.clone(),
                None => return Err(perr(self.text, pos, "missing value for command")),
                _ => String::new(),
            };
            match keyword.as_str() {
                "end" => {
                    if toks.len() > 1 {
                        return Err(perr(self.text, pos, "unexpected token in end"));
                    }
                    return Ok((nodes, Stop::End));
                }
                "else" => {
                    let rest = toks[1..].to_vec();
                    let chained = if rest.is_empty() {
                        None
                    } else {
                        Some((pos, rest))
                    };
                    return Ok((nodes, Stop::Else(chained)));
                }
                "if" | "with" | "range" => {
                    nodes.push(self.control(&keyword, pos, &toks[1..])?);
                }
                "define" | "template" | "block" | "break" | "continue" => {
                    return Err(perr(
                        self.text,
                        pos,
                        &format!("{{{{{keyword}}}}} is not supported"),
                    ));
                }
                _ => {
                    let pipe = self.pipeline(pos, &toks, "command")?;
                    nodes.push(Node::Action(pipe));
                }
            }
        }
        Ok((nodes, Stop::Eof))
    }

    fn control(&mut self, keyword: &str, pos: usize, toks: &[Token]) -> Result<Node, String> {
        let pipe = self.pipeline(pos, toks, keyword)?;
        let (then, end) = self.list()?;
        let otherwise = match end {
            Stop::Eof => return Err(perr(self.text, self.text.len(), "unexpected EOF")),
            Stop::End => Vec::new(),
            Stop::Else(None) => {
                let (otherwise, end) = self.list()?;
                match end {
                    Stop::End => otherwise,
                    Stop::Eof => return Err(perr(self.text, self.text.len(), "unexpected EOF")),
                    Stop::Else(_) => {
                        return Err(perr(self.text, pos, "expected end; found {{else}}"))
                    }
                }
            }
            // `{{else if x}}` (or `else with`): a nested control that shares our end.
            Stop::Else(Some((epos, rest))) => {
                let kw = match rest.first() {
                    Some(Token {
                        tok: Tok::Ident(w), ..
                    }) if w == "if" || w == "with" => w.clone(),
                    _ => return Err(perr(self.text, epos, "unexpected token in else")),
                };
                vec![self.control(&kw, epos, &rest[1..])?]
            }
        };
        Ok(match keyword {
            "if" => Node::If {
                pipe,
                then,
                otherwise,
            },
            "with" => Node::With {
                pipe,
                then,
                otherwise,
            },
            _ => Node::Range {
                pipe,
                body: then,
                otherwise,
            },
        })
    }

    fn pipeline(&self, pos: usize, toks: &[Token], context: &str) -> Result<Pipe, String> {
        let mut i = 0;
        let mut decl = Vec::new();
        let mut assign = false;
        // `$x :=`, `$i, $e :=`, `$x =`
        let mut j = 0;
        let mut vars = Vec::new();
        while let Some(Token {
            tok: Tok::Var(name, chain),
            ..
        }) = toks.get(j)
        {
            if !chain.is_empty() {
                break;
            }
            vars.push(name.clone());
            j += 1;
            match toks.get(j).map(|t| &t.tok) {
                Some(Tok::Comma) if vars.len() == 1 => j += 1,
                Some(Tok::Declare) => {
                    decl = vars.clone();
                    i = j + 1;
                    break;
                }
                Some(Tok::Assign) => {
                    decl = vars.clone();
                    assign = true;
                    i = j + 1;
                    break;
                }
                _ => break,
            }
        }
        let (cmds, used) = self.commands(pos, &toks[i..], false)?;
        if used != toks.len() - i {
            return Err(perr(self.text, pos, "unexpected right paren"));
        }
        if cmds.is_empty() {
            return Err(perr(
                self.text,
                pos,
                &format!("missing value for {context}"),
            ));
        }
        Ok(Pipe { decl, assign, cmds })
    }

    /// Commands separated by `|`, up to the end or a `)` when `nested`.
    fn commands(
        &self,
        pos: usize,
        toks: &[Token],
        nested: bool,
    ) -> Result<(Vec<Cmd>, usize), String> {
        let mut cmds = Vec::new();
        let mut args = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            match &t.tok {
                Tok::Pipe => {
                    if args.is_empty() {
                        return Err(perr(self.text, pos, "missing command"));
                    }
                    cmds.push(Cmd {
                        args: std::mem::take(&mut args),
                    });
                    i += 1;
                }
                Tok::RParen if nested => {
                    if args.is_empty() && cmds.is_empty() {
                        return Err(perr(
                            self.text,
                            pos,
                            "missing value for parenthesized pipeline",
                        ));
                    }
                    break;
                }
                Tok::RParen => return Err(perr(self.text, pos, "unexpected right paren")),
                Tok::LParen => {
                    let (inner, used) = self.commands(pos, &toks[i + 1..], true)?;
                    let close = i + 1 + used;
                    if !matches!(toks.get(close).map(|t| &t.tok), Some(Tok::RParen)) {
                        return Err(perr(self.text, pos, "unclosed left paren"));
                    }
                    let mut chain = Vec::new();
                    let mut next = close + 1;
                    if let Some(Token {
                        tok: Tok::Chain(c), ..
                    }) = toks.get(next)
                    {
                        chain = c.clone();
                        next += 1;
                    }
                    args.push(Arg {
                        pos: t.pos,
                        term: Term::Pipe(
                            Box::new(Pipe {
                                decl: Vec::new(),
                                assign: false,
                                cmds: inner,
                            }),
                            chain,
                        ),
                    });
                    i = next;
                }
                Tok::Field(chain) => {
                    args.push(Arg {
                        pos: t.pos,
                        term: Term::Field(chain.clone()),
                    });
                    i += 1;
                }
                Tok::Var(name, chain) => {
                    args.push(Arg {
                        pos: t.pos,
                        term: Term::Var(name.clone(), chain.clone()),
                    });
                    i += 1;
                }
                Tok::Str(s) => {
                    args.push(Arg {
                        pos: t.pos,
                        term: Term::Str(s.clone()),
                    });
                    i += 1;
                }
                Tok::Int(n) => {
                    args.push(Arg {
                        pos: t.pos,
                        term: Term::Int(*n),
                    });
                    i += 1;
                }
                Tok::Ident(word) => {
                    let term = match word.as_str() {
                        "true" => Term::Bool(true),
                        "false" => Term::Bool(false),
                        "nil" => Term::Nil,
                        w if FUNCS.contains(&w) => Term::Ident(w.to_string()),
                        w => {
                            return Err(perr(
                                self.text,
                                t.pos,
                                &format!("function {w:?} not defined"),
                            ))
                        }
                    };
                    args.push(Arg { pos: t.pos, term });
                    i += 1;
                }
                Tok::Declare | Tok::Assign | Tok::Comma | Tok::Chain(_) => {
                    return Err(perr(self.text, pos, "unexpected token in command"));
                }
            }
        }
        if !args.is_empty() {
            cmds.push(Cmd { args });
        } else if !cmds.is_empty() {
            return Err(perr(self.text, pos, "missing command"));
        }
        Ok((cmds, i))
    }
}

// ------------------------------------------------------------------------------------------
// Execution

struct Exec<'a> {
    text: &'a str,
    funcs: Funcs,
    vars: Vec<(String, Value)>,
    out: String,
}

impl Exec<'_> {
    fn error(&self, arg: &Arg, msg: &str) -> String {
        let text = &self.text[..arg.pos.min(self.text.len())];
        let line = 1 + text.matches('\n').count();
        let col = match text.rfind('\n') {
            Some(n) => arg.pos - (n + 1),
            None => arg.pos,
        };
        format!(
            "template: :{line}:{col}: executing \"\" at <{}>: {msg}",
            arg.context()
        )
    }

    fn walk(&mut self, nodes: &[Node], dot: &Value) -> Result<(), String> {
        for node in nodes {
            match node {
                Node::Text(t) => self.out.push_str(t),
                Node::Action(pipe) => {
                    let v = self.pipe(pipe, dot)?;
                    if pipe.decl.is_empty() {
                        self.out.push_str(&v.print());
                    }
                }
                Node::If {
                    pipe,
                    then,
                    otherwise,
                } => {
                    let mark = self.vars.len();
                    let v = self.pipe(pipe, dot)?;
                    if v.is_true() {
                        self.walk(then, dot)?;
                    } else {
                        self.walk(otherwise, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::With {
                    pipe,
                    then,
                    otherwise,
                } => {
                    let mark = self.vars.len();
                    let v = self.pipe(pipe, dot)?;
                    if v.is_true() {
                        self.walk(then, &v)?;
                    } else {
                        self.walk(otherwise, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::Range {
                    pipe,
                    body,
                    otherwise,
                } => {
                    let mark = self.vars.len();
                    let plain = Pipe {
                        decl: Vec::new(),
                        assign: false,
                        cmds: pipe.cmds.clone(),
                    };
                    let v = self.pipe(&plain, dot)?;
                    let items: Vec<(Value, Value)> = match &v {
                        Value::List(l) => l
                            .iter()
                            .enumerate()
                            .map(|(i, x)| (Value::Int(i as i64), x.clone()))
                            .collect(),
                        Value::Map(m) => m
                            .iter()
                            .map(|(k, x)| (Value::Str(k.clone()), x.clone()))
                            .collect(),
                        Value::Int(n) => (0..*n).map(|i| (Value::Int(i), Value::Int(i))).collect(),
                        Value::Nil | Value::NoValue => Vec::new(),
                        other => {
                            let arg = &pipe.cmds[0].args[0];
                            return Err(self.error(
                                arg,
                                &format!("range can't iterate over {}", other.print()),
                            ));
                        }
                    };
                    if items.is_empty() {
                        self.walk(otherwise, dot)?;
                    }
                    for (key, item) in items {
                        let inner = self.vars.len();
                        match pipe.decl.len() {
                            0 => {}
                            1 => self.vars.push((pipe.decl[0].clone(), item.clone())),
                            _ => {
                                self.vars.push((pipe.decl[0].clone(), key));
                                self.vars.push((pipe.decl[1].clone(), item.clone()));
                            }
                        }
                        self.walk(body, &item)?;
                        self.vars.truncate(inner);
                    }
                    self.vars.truncate(mark);
                }
            }
        }
        Ok(())
    }

    fn pipe(&mut self, pipe: &Pipe, dot: &Value) -> Result<Value, String> {
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            value = Some(self.command(cmd, dot, value)?);
        }
        let value = value.unwrap_or(Value::NoValue);
        if let Some(name) = pipe.decl.first() {
            if pipe.assign {
                if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    slot.1 = value.clone();
                }
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn command(&mut self, cmd: &Cmd, dot: &Value, piped: Option<Value>) -> Result<Value, String> {
        let first = &cmd.args[0];
        let has_args = cmd.args.len() > 1 || piped.is_some();
        match &first.term {
            Term::Ident(name) => {
                let mut args = Vec::new();
                for a in &cmd.args[1..] {
                    args.push(self.operand(a, dot)?);
                }
                args.extend(piped);
                self.call(first, name, args)
            }
            Term::Field(chain) if !chain.is_empty() && has_args => {
                let mut args = Vec::new();
                for a in &cmd.args[1..] {
                    args.push(self.operand(a, dot)?);
                }
                args.extend(piped);
                let (last, head) = chain.split_last().expect("non-empty chain");
                let receiver = self.chain(first, dot.clone(), head)?;
                self.field(first, &receiver, last, &args)
            }
            Term::Var(name, chain) if !chain.is_empty() && has_args => {
                let mut args = Vec::new();
                for a in &cmd.args[1..] {
                    args.push(self.operand(a, dot)?);
                }
                args.extend(piped);
                let base = self.var(first, name)?;
                let (last, head) = chain.split_last().expect("non-empty chain");
                let receiver = self.chain(first, base, head)?;
                self.field(first, &receiver, last, &args)
            }
            _ if has_args => Err(self.error(
                first,
                &format!("can't give argument to non-function {}", first.context()),
            )),
            _ => self.operand(first, dot),
        }
    }

    fn var(&self, arg: &Arg, name: &str) -> Result<Value, String> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| self.error(arg, &format!("undefined variable: ${name}")))
    }

    fn operand(&mut self, arg: &Arg, dot: &Value) -> Result<Value, String> {
        match &arg.term {
            Term::Field(chain) => self.chain(arg, dot.clone(), chain),
            Term::Var(name, chain) => {
                let base = self.var(arg, name)?;
                self.chain(arg, base, chain)
            }
            Term::Ident(name) => self.call(arg, name, Vec::new()),
            Term::Str(s) => Ok(Value::Str(s.clone())),
            Term::Int(i) => Ok(Value::Int(*i)),
            Term::Bool(b) => Ok(Value::Bool(*b)),
            Term::Nil => Err(self.error(arg, "nil is not a command")),
            Term::Pipe(pipe, chain) => {
                let mark = self.vars.len();
                let v = self.pipe(pipe, dot)?;
                self.vars.truncate(mark);
                self.chain(arg, v, chain)
            }
        }
    }

    fn chain(&self, arg: &Arg, mut value: Value, chain: &[String]) -> Result<Value, String> {
        for name in chain {
            value = self.field(arg, &value, name, &[])?;
        }
        Ok(value)
    }

    fn field(
        &self,
        arg: &Arg,
        receiver: &Value,
        name: &str,
        args: &[Value],
    ) -> Result<Value, String> {
        match receiver {
            Value::Object(o) => {
                if let Some(arity) = o.method_arity(name) {
                    return match o.method(name, args) {
                        Some(Ok(v)) => Ok(v),
                        _ => Err(self.error(
                            arg,
                            &format!(
                                "wrong number of args for {name}: want {arity} got {}",
                                args.len()
                            ),
                        )),
                    };
                }
                match o.field(name) {
                    Some(v) if args.is_empty() => Ok(v),
                    Some(_) => Err(self.error(
                        arg,
                        &format!("wrong number of args for {name}: want 0 got {}", args.len()),
                    )),
                    None if o.is_map() => {
                        if args.is_empty() {
                            Ok(Value::NoValue)
                        } else {
                            Err(self
                                .error(arg, &format!("{name} is not a method but has arguments")))
                        }
                    }
                    None => Err(self.error(
                        arg,
                        &format!("can't evaluate field {name} in type {}", o.type_name()),
                    )),
                }
            }
            Value::Map(entries) => {
                if !args.is_empty() {
                    return Err(
                        self.error(arg, &format!("{name} is not a method but has arguments"))
                    );
                }
                Ok(entries
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or(Value::NoValue))
            }
            Value::Struct(fields) => fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    self.error(arg, &format!("can't evaluate field {name} in type struct"))
                }),
            Value::NoValue | Value::Nil => Err(self.error(
                arg,
                &format!("nil pointer evaluating interface {{}}.{name}"),
            )),
            other => Err(self.error(
                arg,
                &format!("can't evaluate field {name} in type {}", other.go_type()),
            )),
        }
    }

    fn call(&self, arg: &Arg, name: &str, args: Vec<Value>) -> Result<Value, String> {
        let want = |n: usize| -> Result<(), String> {
            if args.len() == n {
                Ok(())
            } else {
                Err(self.error(
                    arg,
                    &format!(
                        "wrong number of args for {name}: want {n} got {}",
                        args.len()
                    ),
                ))
            }
        };
        let at_least = |n: usize| -> Result<(), String> {
            if args.len() >= n {
                Ok(())
            } else {
                Err(self.error(
                    arg,
                    &format!(
                        "wrong number of args for {name}: want at least {n} got {}",
                        args.len()
                    ),
                ))
            }
        };
        let string = |v: &Value| -> Result<String, String> {
            match v {
                Value::Str(s) => Ok(s.clone()),
                other => Err(self.error(
                    arg,
                    &format!(
                        "error calling {name}: wrong type for value; expected string; got {}",
                        other.go_type()
                    ),
                )),
            }
        };
        let int = |v: &Value| -> Result<i64, String> {
            match v {
                Value::Int(i) => Ok(*i),
                other => Err(self.error(
                    arg,
                    &format!(
                        "wrong type for value; expected int; got {}",
                        other.go_type()
                    ),
                )),
            }
        };
        let header = self.funcs == Funcs::Header;
        match name {
            "json" | "title" | "lower" | "upper" if header => {
                want(1)?;
                Ok(args[0].clone())
            }
            "split" | "join" | "truncate" if header => {
                want(2)?;
                Ok(args[0].clone())
            }
            "json" => {
                want(1)?;
                Ok(Value::Str(args[0].to_json()))
            }
            "lower" => {
                want(1)?;
                Ok(Value::Str(string(&args[0])?.to_lowercase()))
            }
            "upper" => {
                want(1)?;
                Ok(Value::Str(string(&args[0])?.to_uppercase()))
            }
            "title" => {
                want(1)?;
                Ok(Value::Str(go_title(&string(&args[0])?)))
            }
            "split" => {
                want(2)?;
                let s = string(&args[0])?;
                let sep = string(&args[1])?;
                let parts: Vec<Value> = if sep.is_empty() {
                    s.chars().map(|c| Value::Str(c.to_string())).collect()
                } else {
                    s.split(sep.as_str()).map(Value::str).collect()
                };
                Ok(Value::List(parts))
            }
            "join" => {
                want(2)?;
                let items = match &args[0] {
                    Value::List(l) => l.iter().map(|v| v.print()).collect::<Vec<_>>(),
                    other => {
                        return Err(self.error(
                            arg,
                            &format!(
                                "wrong type for value; expected []string; got {}",
                                other.go_type()
                            ),
                        ))
                    }
                };
                Ok(Value::Str(items.join(&string(&args[1])?)))
            }
            "pad" => {
                want(3)?;
                let s = string(&args[0])?;
                let (pre, post) = (int(&args[1])?, int(&args[2])?);
                if s.is_empty() {
                    return Ok(Value::Str(s));
                }
                Ok(Value::Str(format!(
                    "{}{s}{}",
                    " ".repeat(pre.max(0) as usize),
                    " ".repeat(post.max(0) as usize)
                )))
            }
            "truncate" => {
                want(2)?;
                let s = string(&args[0])?;
                let n = int(&args[1])?.max(0) as usize;
                if s.len() < n {
                    return Ok(Value::Str(s));
                }
                let mut end = n;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                Ok(Value::Str(s[..end].to_string()))
            }
            "and" => {
                at_least(1)?;
                Ok(args
                    .iter()
                    .find(|v| !v.is_true())
                    .unwrap_or_else(|| args.last().expect("at least one"))
                    .clone())
            }
            "or" => {
                at_least(1)?;
                Ok(args
                    .iter()
                    .find(|v| v.is_true())
                    .unwrap_or_else(|| args.last().expect("at least one"))
                    .clone())
            }
            "not" => {
                want(1)?;
                Ok(Value::Bool(!args[0].is_true()))
            }
            "len" => {
                want(1)?;
                match &args[0] {
                    Value::Str(s) => Ok(Value::Int(s.len() as i64)),
                    Value::List(l) => Ok(Value::Int(l.len() as i64)),
                    Value::Map(m) => Ok(Value::Int(m.len() as i64)),
                    other => Err(self.error(
                        arg,
                        &format!("error calling len: len of type {}", other.go_type()),
                    )),
                }
            }
            "index" => {
                at_least(1)?;
                let mut v = args[0].clone();
                for key in &args[1..] {
                    v = match (&v, key) {
                        (Value::List(l), Value::Int(i)) => {
                            l.get(*i as usize).cloned().ok_or_else(|| {
                                self.error(
                                    arg,
                                    &format!("error calling index: index out of range: {i}"),
                                )
                            })?
                        }
                        (Value::Map(m), Value::Str(k)) => m
                            .iter()
                            .find(|(n, _)| n == k)
                            .map(|(_, x)| x.clone())
                            .unwrap_or(Value::Str(String::new())),
                        (other, _) => {
                            return Err(self.error(
                                arg,
                                &format!(
                                    "error calling index: can't index item of type {}",
                                    other.go_type()
                                ),
                            ))
                        }
                    };
                }
                Ok(v)
            }
            "print" => Ok(Value::Str(go_sprint(&args))),
            "println" => {
                let parts: Vec<String> = args.iter().map(|v| v.print()).collect();
                Ok(Value::Str(format!("{}\n", parts.join(" "))))
            }
            "printf" => {
                at_least(1)?;
                let f = string(&args[0])?;
                Ok(Value::Str(go_sprintf(&f, &args[1..])))
            }
            "eq" => {
                at_least(1)?;
                let first = &args[0];
                Ok(Value::Bool(
                    args[1..].iter().any(|b| values_equal(first, b)),
                ))
            }
            "ne" => {
                want(2)?;
                Ok(Value::Bool(!values_equal(&args[0], &args[1])))
            }
            "lt" | "le" | "gt" | "ge" => {
                want(2)?;
                let ord = match (&args[0], &args[1]) {
                    (Value::Int(a), Value::Int(b)) => a.cmp(b),
                    (Value::Str(a), Value::Str(b)) => a.cmp(b),
                    _ => {
                        return Err(self.error(
                            arg,
                            &format!("error calling {name}: incompatible types for comparison"),
                        ))
                    }
                };
                Ok(Value::Bool(match name {
                    "lt" => ord.is_lt(),
                    "le" => ord.is_le(),
                    "gt" => ord.is_gt(),
                    _ => ord.is_ge(),
                }))
            }
            other => Err(self.error(arg, &format!("function {other:?} is not supported"))),
        }
    }
}

fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Nil | Value::NoValue, Value::Nil | Value::NoValue) => true,
        _ => false,
    }
}

/// Go's `fmt.Sprint`: a space between operands when neither is a string.
fn go_sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, v) in args.iter().enumerate() {
        if i > 0 && !matches!(v, Value::Str(_)) && !matches!(args[i - 1], Value::Str(_)) {
            out.push(' ');
        }
        out.push_str(&v.print());
    }
    out
}

/// The common verbs of Go's `fmt.Sprintf`: `%s %v %d %q %%`, with widths like `%-10s`.
fn go_sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut left = false;
        let mut width = String::new();
        while let Some(&f) = chars.peek() {
            if f == '-' {
                left = true;
                chars.next();
            } else if f.is_ascii_digit() {
                width.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.next() else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        let text = match verb {
            'q' => berth_model::golang::quote(&arg.print()),
            _ => arg.print(),
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = text.chars().count();
        if len < w {
            if left {
                out.push_str(&text);
                out.push_str(&" ".repeat(w - len));
            } else {
                out.push_str(&" ".repeat(w - len));
                out.push_str(&text);
            }
        } else {
            out.push_str(&text);
        }
    }
    out
}

/// Go's deprecated `strings.Title`: upper-cases the first letter of each word.
fn go_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        if prev_sep {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = !(c.is_alphanumeric() || c == '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    struct Ctx;

    impl super::super::value::Object for Ctx {
        fn type_name(&self) -> &str {
            "*formatter.ContainerContext"
        }
        fn field(&self, name: &str) -> Option<Value> {
            match name {
                "Name" => Some(Value::str("p-web-1")),
                "State" => Some(Value::str("running")),
                "Labels" => Some(Value::str("a=1,b=2")),
                "ExitCode" => Some(Value::Int(0)),
                "Names" => Some(Value::List(vec![Value::str("x"), Value::str("y")])),
                _ => None,
            }
        }
        fn method_arity(&self, name: &str) -> Option<usize> {
            (name == "Label").then_some(1)
        }
        fn method(&self, name: &str, args: &[Value]) -> Option<Result<Value, usize>> {
            if name != "Label" {
                return None;
            }
            if args.len() != 1 {
                return Some(Err(1));
            }
            Some(Ok(Value::str(format!("label:{}", args[0].print()))))
        }
        fn to_json(&self) -> String {
            r#"{"Name":"p-web-1"}"#.into()
        }
    }

    fn run(t: &str) -> Result<String, String> {
        let dot = Value::Object(Rc::new(Ctx));
        Template::parse(t)?.execute(&dot, Funcs::Basic)
    }

    #[test]
    fn fields_functions_and_pipes() {
        assert_eq!(run("{{.Name}} {{.State}}").unwrap(), "p-web-1 running");
        assert_eq!(run("{{json .}}").unwrap(), r#"{"Name":"p-web-1"}"#);
        assert_eq!(run("{{json .Name}}").unwrap(), r#""p-web-1""#);
        assert_eq!(
            run("{{upper .Name}}|{{.Name | upper}}").unwrap(),
            "P-WEB-1|P-WEB-1"
        );
        assert_eq!(
            run("{{join (split .Labels \",\") \";\"}}").unwrap(),
            "a=1;b=2"
        );
        assert_eq!(run("{{.Label \"x\"}}").unwrap(), "label:x");
        assert_eq!(run("{{pad .Name 2 1}}.").unwrap(), "  p-web-1 .");
        assert_eq!(run("{{truncate .Name 3}}").unwrap(), "p-w");
        assert_eq!(run("{{title \"hello world\"}}").unwrap(), "Hello World");
        assert_eq!(run("{{printf \"%-8s|\" .Name}}").unwrap(), "p-web-1 |");
        assert_eq!(run("{{.Names}}").unwrap(), "[x y]");
        assert_eq!(run("{{len .Names}}").unwrap(), "2");
        assert_eq!(run("{{index .Names 1}}").unwrap(), "y");
    }

    #[test]
    fn control_structures() {
        assert_eq!(
            run("{{if eq .State \"running\"}}up{{else}}down{{end}}").unwrap(),
            "up"
        );
        assert_eq!(
            run("{{if eq .State \"x\"}}a{{else if .ExitCode}}b{{else}}c{{end}}").unwrap(),
            "c"
        );
        assert_eq!(
            run("{{range $i, $n := .Names}}{{$i}}={{$n}} {{end}}").unwrap(),
            "0=x 1=y "
        );
        assert_eq!(run("{{range .Names}}<{{.}}>{{end}}").unwrap(), "<x><y>");
        assert_eq!(run("{{with .Name}}[{{.}}]{{end}}").unwrap(), "[p-web-1]");
        assert_eq!(run("{{$n := .Name}}{{$n}}").unwrap(), "p-web-1");
        assert_eq!(run("a {{- /* c */ -}} b").unwrap(), "ab");
        assert_eq!(run("a  {{- .State -}}  b").unwrap(), "arunningb");
        assert_eq!(
            run("{{range split \"a,b\" \",\"}}{{.}}{{end}}").unwrap(),
            "ab"
        );
    }

    #[test]
    fn errors_are_worded_as_go() {
        assert_eq!(
            run("{{.Nope}}").unwrap_err(),
            "template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.ContainerContext"
        );
        assert_eq!(
            run("{{.Name}}\t{{.Label}}").unwrap_err(),
            "template: :1:12: executing \"\" at <.Label>: wrong number of args for Label: want 1 got 0"
        );
        assert_eq!(
            run("{{json}}").unwrap_err(),
            "template: :1:2: executing \"\" at <json>: wrong number of args for json: want 1 got 0"
        );
        assert_eq!(run("{{.Name").unwrap_err(), "template: :1: unclosed action");
        assert_eq!(
            run("{{foo .Name}}").unwrap_err(),
            "template: :1: function \"foo\" not defined"
        );
        assert_eq!(
            run("{{if .Name}}x").unwrap_err(),
            "template: :1: unexpected EOF"
        );
    }

    #[test]
    fn header_functions_leave_arguments() {
        let header = Value::Map(vec![("Name".into(), Value::str("NAME"))]);
        let t = Template::parse("{{upper .Name}}\t{{json .Name}}\t{{.Other}}").unwrap();
        assert_eq!(
            t.execute(&header, Funcs::Header).unwrap(),
            "NAME\tNAME\t<no value>"
        );
    }
}
