//! The expression syntax: a lexer and a recursive-descent parser (depth-capped) producing an
//! untyped tree with byte offsets into the expression text. Typing happens in `compile`.
//!
//! ```text
//! expr     = or
//! or       = and { "or" and }
//! and      = not { "and" not }
//! not      = "not" not | compare
//! compare  = operand [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "matches" | "within" ) operand ]
//! operand  = literal | list | path | call | "(" expr ")"
//! call     = ( "exists" | "count" | "distinct" ) "(" path ")"
//!          | ( "any" | "all" | "count" ) "(" name "in" path ":" expr ")"
//! list     = "[" [ literal { "," literal } ] "]"
//! path     = name { "." name }
//! literal  = string | integer | "true" | "false" | "null"
//! ```

/// Nesting cap: rule files are user input.
const MAX_DEPTH: usize = 32;
/// Operand cap: `a and b and ...` nests without parentheses, and the typed tree is walked
/// recursively, so its size is bounded too.
const MAX_OPERANDS: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Matches,
    Within,
}

impl CmpOp {
    pub fn text(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::Matches => "matches",
            CmpOp::Within => "within",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    Any,
    All,
    Count,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Each segment with its offset.
    pub segs: Vec<(String, usize)>,
}

impl Path {
    pub fn at(&self) -> usize {
        self.segs.first().map_or(0, |s| s.1)
    }
    pub fn text(&self) -> String {
        self.segs
            .iter()
            .map(|s| s.0.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Lit, usize),
    List(Vec<(Lit, usize)>, usize),
    Path(Path),
    Not(Box<Expr>, usize),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>, usize),
    Exists(Path, usize),
    Count(Path, usize),
    Distinct(Path, usize),
    Quant {
        q: Quant,
        var: (String, usize),
        over: Path,
        body: Box<Expr>,
        at: usize,
    },
}

impl Expr {
    pub fn at(&self) -> usize {
        match self {
            Expr::Lit(_, a)
            | Expr::List(_, a)
            | Expr::Not(_, a)
            | Expr::Cmp(_, _, _, a)
            | Expr::Exists(_, a)
            | Expr::Count(_, a)
            | Expr::Distinct(_, a) => *a,
            Expr::Quant { at, .. } => *at,
            Expr::Path(p) => p.at(),
            Expr::And(a, _) | Expr::Or(a, _) => a.at(),
        }
    }
}

/// A syntax or type error at a byte offset of the expression text.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    pub at: usize,
    pub message: String,
}

fn err<T>(at: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        at,
        message: message.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    Sym(&'static str),
    End,
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    const SYMS: &[&str] = &[
        "==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ",", ".", ":",
    ];
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident(src[start..i].to_string()), start));
            continue;
        }
        if c.is_ascii_digit() || (c == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            match src[start..i].parse() {
                Ok(n) => out.push((Tok::Int(n), start)),
                Err(_) => return err(start, "number out of range"),
            }
            continue;
        }
        if c == b'"' || c == b'\'' {
            let start = i;
            let mut s = String::new();
            i += 1;
            loop {
                let Some(ch) = src[i..].chars().next() else {
                    return err(start, "unterminated string");
                };
                i += ch.len_utf8();
                if ch as u32 == u32::from(c) {
                    break;
                }
                if ch == '\\' {
                    let Some(next) = src[i..].chars().next() else {
                        return err(start, "unterminated string");
                    };
                    i += next.len_utf8();
                    s.push(next);
                } else {
                    s.push(ch);
                }
            }
            out.push((Tok::Str(s), start));
            continue;
        }
        match SYMS.iter().find(|s| src[i..].starts_with(**s)) {
            Some(s) => {
                out.push((Tok::Sym(s), i));
                i += s.len();
            }
            None => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return err(i, format!("unexpected character `{ch}`"));
            }
        }
    }
    out.push((Tok::End, src.len()));
    Ok(out)
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "matches", "within", "true", "false", "null", "exists", "count",
    "distinct", "any", "all",
];

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
    operands: usize,
}

/// Parses a whole expression.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    let mut p = Parser {
        toks: lex(src)?,
        pos: 0,
        depth: 0,
        operands: 0,
    };
    let e = p.expr()?;
    p.expect_end()?;
    Ok(e)
}

/// Parses a path alone (`for_each`, `report_at`, proof `at`).
pub fn parse_path(src: &str) -> Result<Path, ExprError> {
    let mut p = Parser {
        toks: lex(src)?,
        pos: 0,
        depth: 0,
        operands: 0,
    };
    let path = p.path()?;
    p.expect_end()?;
    Ok(path)
}

/// Parses `name in path` (a proof step's `for_each`).
pub fn parse_binding(src: &str) -> Result<((String, usize), Path), ExprError> {
    let mut p = Parser {
        toks: lex(src)?,
        pos: 0,
        depth: 0,
        operands: 0,
    };
    let var = p.name()?;
    p.keyword("in")?;
    let path = p.path()?;
    p.expect_end()?;
    Ok((var, path))
}

impl Parser {
    fn peek(&self) -> &(Tok, usize) {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }
    fn at(&self) -> usize {
        self.peek().1
    }
    fn bump(&mut self) -> (Tok, usize) {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn is_sym(&self, s: &str) -> bool {
        matches!(&self.peek().0, Tok::Sym(x) if *x == s)
    }
    fn is_kw(&self, k: &str) -> bool {
        matches!(&self.peek().0, Tok::Ident(x) if x == k)
    }
    fn sym(&mut self, s: &str) -> Result<(), ExprError> {
        if self.is_sym(s) {
            self.bump();
            Ok(())
        } else {
            err(
                self.at(),
                format!("expected `{s}`, found {}", self.describe()),
            )
        }
    }
    fn keyword(&mut self, k: &str) -> Result<(), ExprError> {
        if self.is_kw(k) {
            self.bump();
            Ok(())
        } else {
            err(
                self.at(),
                format!("expected `{k}`, found {}", self.describe()),
            )
        }
    }
    fn describe(&self) -> String {
        match &self.peek().0 {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Int(n) => format!("number {n}"),
            Tok::Sym(s) => format!("`{s}`"),
            Tok::End => "the end of the expression".into(),
        }
    }
    fn expect_end(&self) -> Result<(), ExprError> {
        match self.peek().0 {
            Tok::End => Ok(()),
            _ => err(self.at(), format!("unexpected {}", self.describe())),
        }
    }
    fn name(&mut self) -> Result<(String, usize), ExprError> {
        match self.peek().clone() {
            (Tok::Ident(s), at) if !KEYWORDS.contains(&s.as_str()) => {
                self.bump();
                Ok((s, at))
            }
            _ => err(
                self.at(),
                format!("expected a name, found {}", self.describe()),
            ),
        }
    }
    fn path(&mut self) -> Result<Path, ExprError> {
        let mut segs = vec![self.name()?];
        while self.is_sym(".") {
            self.bump();
            // Field names may be keywords of the expression language (none are today, but
            // `count` or `all` as a field would be legal): accept any identifier here.
            match self.bump() {
                (Tok::Ident(s), at) => segs.push((s, at)),
                (_, at) => return err(at, "expected a field name after `.`"),
            }
        }
        Ok(Path { segs })
    }
    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(
                self.at(),
                format!("expression nested deeper than {MAX_DEPTH}"),
            );
        }
        Ok(())
    }
    fn expr(&mut self) -> Result<Expr, ExprError> {
        self.enter()?;
        let mut left = self.and()?;
        while self.is_kw("or") {
            self.bump();
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }
    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.not()?;
        while self.is_kw("and") {
            self.bump();
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.is_kw("not") {
            let at = self.bump().1;
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner), at));
        }
        self.compare()
    }
    fn compare(&mut self) -> Result<Expr, ExprError> {
        let left = self.operand()?;
        let op = match &self.peek().0 {
            Tok::Sym("==") => CmpOp::Eq,
            Tok::Sym("!=") => CmpOp::Ne,
            Tok::Sym("<") => CmpOp::Lt,
            Tok::Sym("<=") => CmpOp::Le,
            Tok::Sym(">") => CmpOp::Gt,
            Tok::Sym(">=") => CmpOp::Ge,
            Tok::Ident(k) if k == "in" => CmpOp::In,
            Tok::Ident(k) if k == "matches" => CmpOp::Matches,
            Tok::Ident(k) if k == "within" => CmpOp::Within,
            _ => return Ok(left),
        };
        let at = self.bump().1;
        let right = self.operand()?;
        Ok(Expr::Cmp(op, Box::new(left), Box::new(right), at))
    }
    fn literal(&mut self) -> Result<Option<(Lit, usize)>, ExprError> {
        let (tok, at) = self.peek().clone();
        let lit = match tok {
            Tok::Str(s) => Lit::Str(s),
            Tok::Int(n) => Lit::Int(n),
            Tok::Ident(k) if k == "true" => Lit::Bool(true),
            Tok::Ident(k) if k == "false" => Lit::Bool(false),
            Tok::Ident(k) if k == "null" => Lit::Null,
            _ => return Ok(None),
        };
        self.bump();
        Ok(Some((lit, at)))
    }
    fn operand(&mut self) -> Result<Expr, ExprError> {
        self.operands += 1;
        if self.operands > MAX_OPERANDS {
            return err(
                self.at(),
                format!("expression has more than {MAX_OPERANDS} operands"),
            );
        }
        if let Some((lit, at)) = self.literal()? {
            return Ok(Expr::Lit(lit, at));
        }
        let at = self.at();
        if self.is_sym("(") {
            self.bump();
            let e = self.expr()?;
            self.sym(")")?;
            return Ok(e);
        }
        if self.is_sym("[") {
            self.bump();
            let mut items = Vec::new();
            while !self.is_sym("]") {
                match self.literal()? {
                    Some(l) => items.push(l),
                    None => {
                        return err(
                            self.at(),
                            format!("lists hold literals only, found {}", self.describe()),
                        )
                    }
                }
                if !self.is_sym("]") {
                    self.sym(",")?;
                }
            }
            self.bump();
            return Ok(Expr::List(items, at));
        }
        let call = match &self.peek().0 {
            Tok::Ident(k) => k.clone(),
            _ => return err(at, format!("expected a value, found {}", self.describe())),
        };
        let is_call = matches!(
            call.as_str(),
            "exists" | "count" | "distinct" | "any" | "all"
        ) && matches!(self.toks.get(self.pos + 1), Some((Tok::Sym("("), _)));
        if !is_call {
            return Ok(Expr::Path(self.path()?));
        }
        self.bump();
        self.sym("(")?;
        // `count(x in path: expr)` and `any`/`all` bind a name; `count(path)` does not.
        let binds = matches!(self.toks.get(self.pos + 1), Some((Tok::Ident(k), _)) if k == "in");
        let e = if binds {
            let var = self.name()?;
            self.keyword("in")?;
            let over = self.path()?;
            self.sym(":")?;
            let body = self.expr()?;
            let q = match call.as_str() {
                "any" => Quant::Any,
                "all" => Quant::All,
                "count" => Quant::Count,
                other => {
                    return err(
                        at,
                        format!("`{other}` takes a path, not `name in path: ...`"),
                    )
                }
            };
            Expr::Quant {
                q,
                var,
                over,
                body: Box::new(body),
                at,
            }
        } else {
            let path = self.path()?;
            match call.as_str() {
                "exists" => Expr::Exists(path, at),
                "count" => Expr::Count(path, at),
                "distinct" => Expr::Distinct(path, at),
                other => {
                    return err(
                        at,
                        format!("`{other}` is written `{other}(name in path: condition)`"),
                    )
                }
            }
        };
        self.sym(")")?;
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_construct() {
        let e = parse(
            r#"not exists(subnet.ipv6_cidr) and (subnet.cidr within "10.0.0.0/8" or distinct(function.subnets.availability_zone) < 2) and any(s in function.subnets: s.availability_zone matches "eu-*") and subnet.vpc.instance_tenancy in ["dedicated", 'host'] and count(x in role.statements: x.effect == "Allow") >= -1"#,
        )
        .unwrap();
        assert!(matches!(e, Expr::And(..)));
    }

    #[test]
    fn errors_have_offsets() {
        assert_eq!(parse("a ==").unwrap_err().at, 4);
        assert_eq!(parse("a.b c").unwrap_err().at, 4);
        assert_eq!(parse("\"abc").unwrap_err().message, "unterminated string");
        assert_eq!(parse("a # b").unwrap_err().at, 2);
        assert!(parse("any(function.subnets)").is_err());
        assert!(parse("exists(x in y: z)").is_err());
    }

    #[test]
    fn depth_is_capped() {
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(parse(&deep).unwrap_err().message.contains("deeper"));
        let nots = format!("{}a", "not ".repeat(100));
        assert!(parse(&nots).is_err());
        let chain = vec!["a"; 1000].join(" and ");
        assert!(parse(&chain).unwrap_err().message.contains("operands"));
    }
}
