//! Commands: declarations, notation, scoping.

use super::{is_keyword, PResult, ParseError, Parser, Tok};
use crate::notation::MAX_PREC;
use crate::syntax::{
    Arg, Attribute, Command, CommandKind, Ctor, Field, NotationItem, NotationKind, Pos, TermKind,
};

impl Parser<'_> {
    pub(crate) fn command(&mut self) -> PResult<Command> {
        let (tok, pos, _) = self.peek()?;
        let attrs = if tok == Tok::Sym("@[") {
            self.attributes()?
        } else {
            Vec::new()
        };
        let (tok, kpos, _) = self.peek()?;
        let Tok::Ident(word) = tok else {
            return self.error_here("a command");
        };
        if !attrs.is_empty() && !matches!(word, "theorem" | "lemma" | "axiom" | "def") {
            return Err(ParseError {
                pos: kpos,
                msg: "attributes are allowed only on 'theorem', 'axiom' and 'def'".into(),
            });
        }
        self.bump()?;
        let kind = match word {
            "prelude" => CommandKind::Prelude,
            "import" => match self.peek()? {
                (Tok::Str(s), _, _) => {
                    self.bump()?;
                    CommandKind::ImportPath(s.to_string())
                }
                _ => CommandKind::ImportShipped(self.ident("a theory name or \"path\"")?.0),
            },
            "universe" => CommandKind::Universe(self.names_to_end("a universe name")?),
            "section" => CommandKind::Section(self.optional_name()?),
            "namespace" => CommandKind::Namespace(self.ident("a namespace name")?.0),
            "end" => CommandKind::End(self.optional_name()?),
            "variable" => {
                let bs = self.binders(false)?;
                if bs.is_empty() {
                    return self.error_here("a binder");
                }
                CommandKind::Variable(bs)
            }
            "open" => CommandKind::Open(self.names_to_end("a namespace name")?),
            "inductive" => self.inductive()?,
            "structure" => self.structure()?,
            "def" => {
                let (name, _) = self.ident("a name")?;
                let binders = self.binders(false)?;
                let ty = self.optional_type()?;
                self.expect_sym(":=")?;
                let value = self.term()?;
                CommandKind::Def {
                    attrs,
                    name,
                    binders,
                    ty,
                    value,
                }
            }
            "theorem" | "lemma" => {
                let (name, _) = self.ident("a name")?;
                let binders = self.binders(false)?;
                self.expect_sym(":")?;
                let ty = self.term()?;
                self.expect_sym(":=")?;
                let value = self.term()?;
                CommandKind::Theorem {
                    attrs,
                    name,
                    binders,
                    ty,
                    value,
                }
            }
            "axiom" => {
                let (name, _) = self.ident("a name")?;
                let binders = self.binders(false)?;
                self.expect_sym(":")?;
                let ty = self.term()?;
                CommandKind::Axiom {
                    attrs,
                    name,
                    binders,
                    ty,
                }
            }
            "infix" | "infixl" | "infixr" | "prefix" | "postfix" => self.notation(word)?,
            "notation" => self.mixfix(kpos)?,
            other => {
                return Err(ParseError {
                    pos: kpos,
                    msg: format!("expected a command, found '{other}'"),
                })
            }
        };
        Ok(Command { pos, kind })
    }

    fn is_command_start(&self) -> bool {
        matches!(self.peek(), Ok((_, p, _)) if p.col == 1)
    }

    /// `a b c`: one name (`what` names it in the error), then more up to the
    /// next keyword or command (`universe u v`, `open A B`).
    fn names_to_end(&mut self, what: &str) -> PResult<Vec<String>> {
        let mut names = vec![self.ident(what)?.0];
        while let (Tok::Ident(w), _, _) = self.peek()? {
            if is_keyword(w) || self.is_command_start() {
                break;
            }
            self.bump()?;
            names.push(w.to_string());
        }
        Ok(names)
    }

    fn optional_name(&mut self) -> PResult<Option<String>> {
        match self.peek()? {
            (Tok::Ident(w), p, _) if !is_keyword(w) && p.col > 1 => {
                self.bump()?;
                Ok(Some(w.to_string()))
            }
            _ => Ok(None),
        }
    }

    /// `@[rule]`, `@[rule (fwd := hard)]`.
    fn attributes(&mut self) -> PResult<Vec<Attribute>> {
        self.expect_sym("@[")?;
        let mut out = Vec::new();
        loop {
            let (name, pos) = self.ident("an attribute")?;
            if name != "rule" {
                return Err(ParseError {
                    pos,
                    msg: format!("unknown attribute '{name}' (known: rule)"),
                });
            }
            let mut fwd_hard = false;
            if self.is_sym("(") {
                self.bump()?;
                let (key, kpos) = self.ident("'fwd'")?;
                if key != "fwd" {
                    return Err(ParseError {
                        pos: kpos,
                        msg: format!("unknown rule option '{key}' (known: fwd)"),
                    });
                }
                self.expect_sym(":=")?;
                let (val, vpos) = self.ident("'hard' or 'easy'")?;
                fwd_hard = match val.as_str() {
                    "hard" => true,
                    "easy" => false,
                    _ => {
                        return Err(ParseError {
                            pos: vpos,
                            msg: format!("expected 'hard' or 'easy', found '{val}'"),
                        })
                    }
                };
                self.expect_sym(")")?;
            }
            out.push(Attribute::Rule { fwd_hard });
            if self.is_sym(",") {
                self.bump()?;
            } else {
                break;
            }
        }
        self.expect_sym("]")?;
        Ok(out)
    }

    fn inductive(&mut self) -> PResult<CommandKind> {
        let (name, _) = self.ident("a name")?;
        let binders = self.binders(false)?;
        let ty = self.optional_type()?;
        if self.is_word("where") {
            self.bump()?;
        }
        let mut ctors = Vec::new();
        while self.is_sym("|") {
            let (_, pos) = self.bump()?;
            let (cname, _) = self.ident("a constructor name")?;
            let cbinders = self.binders(false)?;
            let cty = self.optional_type()?;
            ctors.push(Ctor {
                pos,
                name: cname,
                binders: cbinders,
                ty: cty,
            });
        }
        Ok(CommandKind::Inductive {
            name,
            binders,
            ty,
            ctors,
        })
    }

    fn structure(&mut self) -> PResult<CommandKind> {
        let (name, _) = self.ident("a name")?;
        let binders = self.binders(false)?;
        let ty = self.optional_type()?;
        self.expect_word("where")?;
        let mut ctor = None;
        // `mk ::`
        let saved = self.save();
        if let (Tok::Ident(w), _, _) = self.peek()? {
            if !is_keyword(w) {
                self.bump()?;
                if self.is_sym(":") {
                    self.bump()?;
                    if self.is_sym(":") {
                        self.bump()?;
                        ctor = Some(w.to_string());
                    } else {
                        self.restore(saved);
                    }
                } else {
                    self.restore(saved);
                }
            }
        }
        let mut fields = Vec::new();
        loop {
            let (tok, pos, _) = self.peek()?;
            match tok {
                Tok::Ident(w) if !is_keyword(w) && pos.col > 1 => {}
                _ => break,
            }
            let mut names = Vec::new();
            while let (Tok::Ident(w), p, _) = self.peek()? {
                if is_keyword(w) {
                    break;
                }
                self.bump()?;
                names.push((w, p));
            }
            let binders = self.binders(false)?;
            self.expect_sym(":")?;
            let ty = self.with_stop_col(pos.col, |p| p.term())?;
            for (n, p) in names {
                fields.push(Field {
                    pos: p,
                    name: n.to_string(),
                    binders: binders.clone(),
                    ty: ty.clone(),
                });
            }
        }
        Ok(CommandKind::Structure {
            name,
            binders,
            ty,
            ctor,
            fields,
        })
    }

    fn notation(&mut self, word: &str) -> PResult<CommandKind> {
        let kind = match word {
            "infix" => NotationKind::Infix,
            "infixl" => NotationKind::Infixl,
            "infixr" => NotationKind::Infixr,
            "prefix" => NotationKind::Prefix,
            _ => NotationKind::Postfix,
        };
        self.expect_sym(":")?;
        let prec = self.precedence()?;
        let (tok, tpos, _) = self.peek()?;
        let Tok::Str(s) = tok else {
            return self.error_here("a quoted token");
        };
        self.bump()?;
        let token = s.trim().to_string();
        if token.is_empty() || token.chars().any(char::is_whitespace) {
            return Err(ParseError {
                pos: tpos,
                msg: "a notation token must be non-empty and without inner spaces".into(),
            });
        }
        if token
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
            || token.starts_with('"')
            || super::lexer::SYMBOLS.contains(&token.as_str())
        {
            return Err(ParseError {
                pos: tpos,
                msg: format!("'{token}' cannot be an operator token"),
            });
        }
        self.expect_sym("=>")?;
        let (target, _) = self.ident("the name of a function")?;
        Ok(CommandKind::Notation {
            kind,
            prec,
            token,
            target,
        })
    }

    /// A precedence: a numeral up to 1024, `max` (1024), `arg` (1023),
    /// `lead` (1022), `min` (10) or `min1` (11), as in Lean.
    fn precedence(&mut self) -> PResult<u32> {
        let (tok, ppos, _) = self.peek()?;
        let prec = match tok {
            Tok::Num(n) => n
                .parse::<u32>()
                .ok()
                .filter(|p| *p <= MAX_PREC)
                .ok_or_else(|| ParseError {
                    pos: ppos,
                    msg: format!("precedence must be at most {MAX_PREC}"),
                })?,
            Tok::Ident(w) => match w {
                "max" => MAX_PREC,
                "arg" => MAX_PREC - 1,
                "lead" => MAX_PREC - 2,
                "min" => 10,
                "min1" => 11,
                _ => return self.error_here("a precedence"),
            },
            _ => return self.error_here("a precedence"),
        };
        self.bump()?;
        Ok(prec)
    }

    /// `notation:50 a:51 " ≈ " b:51 => Equiv a b` (the `notation` keyword
    /// already read): tokens and variables, then a function applied to the
    /// variables, each exactly once.
    fn mixfix(&mut self, kpos: Pos) -> PResult<CommandKind> {
        let prec = if self.is_sym(":") {
            self.bump()?;
            Some(self.precedence()?)
        } else {
            None
        };
        let mut items: Vec<NotationItem> = Vec::new();
        loop {
            let (tok, pos, _) = self.peek()?;
            match tok {
                Tok::Str(text) => {
                    self.bump()?;
                    check_token(text, pos)?;
                    items.push(NotationItem::Token {
                        text: text.to_string(),
                        pos,
                    });
                }
                Tok::Ident(name) if !is_keyword(name) => {
                    if let Some(NotationItem::Var { .. }) = items.last() {
                        return Err(ParseError {
                            pos,
                            msg: "notation variables must be separated by a quoted token".into(),
                        });
                    }
                    if items
                        .iter()
                        .any(|i| matches!(i, NotationItem::Var { name: n, .. } if *n == name))
                    {
                        return Err(ParseError {
                            pos,
                            msg: format!("variable '{name}' appears twice in the notation"),
                        });
                    }
                    self.bump()?;
                    let vprec = if self.is_sym(":") {
                        self.bump()?;
                        Some(self.precedence()?)
                    } else {
                        None
                    };
                    items.push(NotationItem::Var {
                        name: name.to_string(),
                        prec: vprec,
                        pos,
                    });
                }
                Tok::Sym("=>") => break,
                _ => return self.error_here("a quoted token, a variable or '=>'"),
            }
        }
        if !items
            .iter()
            .any(|i| matches!(i, NotationItem::Token { .. }))
        {
            return Err(ParseError {
                pos: kpos,
                msg: "a notation needs at least one quoted token".into(),
            });
        }
        let vars: Vec<(&str, Pos)> = items
            .iter()
            .filter_map(|i| match i {
                NotationItem::Var { name, pos, .. } => Some((name.as_str(), *pos)),
                NotationItem::Token { .. } => None,
            })
            .collect();
        if vars.is_empty() {
            return Err(ParseError {
                pos: kpos,
                msg: "a notation needs at least one variable (a constant needs no notation)".into(),
            });
        }
        self.expect_sym("=>")?;
        let rhs = self.term()?;
        let shape = || {
            ParseError {
            pos: rhs.pos,
            msg: "the right side of a notation must be a function applied to the notation's variables (`f a b`)".into(),
        }
        };
        let (head, rargs) = match &rhs.kind {
            TermKind::App(f, rargs) => (f.as_ref(), rargs.as_slice()),
            _ => return Err(shape()),
        };
        let TermKind::Ident(target) = &head.kind else {
            return Err(shape());
        };
        if let Some((v, _)) = vars.iter().find(|(v, _)| v == target) {
            return Err(ParseError {
                pos: head.pos,
                msg: format!("the function of a notation cannot be its variable '{v}'"),
            });
        }
        let names = vars.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ");
        let mut args = Vec::new();
        for a in rargs {
            let Arg::Pos(a) = a else {
                return Err(shape());
            };
            let TermKind::Ident(x) = &a.kind else {
                return Err(ParseError {
                    pos: a.pos,
                    msg: "an argument on the right side of a notation must be one of its variables"
                        .into(),
                });
            };
            let Some(k) = vars.iter().position(|(v, _)| v == x) else {
                return Err(ParseError {
                    pos: a.pos,
                    msg: format!(
                        "'{x}' on the right side is not a variable of the notation (its variables: {names})"
                    ),
                });
            };
            if args.contains(&k) {
                return Err(ParseError {
                    pos: a.pos,
                    msg: format!("variable '{x}' is used twice on the right side"),
                });
            }
            args.push(k);
        }
        if let Some((k, (v, vpos))) = vars.iter().enumerate().find(|(k, _)| !args.contains(k)) {
            let _ = k;
            return Err(ParseError {
                pos: *vpos,
                msg: format!("variable '{v}' of the notation is not used on the right side"),
            });
        }
        Ok(CommandKind::Mixfix {
            prec,
            items,
            target: target.clone(),
            target_pos: head.pos,
            args,
        })
    }
}

/// A quoted notation token: printed as written, read trimmed; it must read
/// as one symbol (not an identifier, numeral, string or a symbol of the
/// language itself).
fn check_token(text: &str, pos: Pos) -> PResult<()> {
    let token = text.trim();
    let bad = |msg: String| Err(ParseError { pos, msg });
    if token.is_empty() || token.chars().any(char::is_whitespace) {
        return bad("a notation token must be non-empty and without inner spaces".into());
    }
    let first = token.chars().next().unwrap_or(' ');
    // The lexer prefers an identifier at least as long as the symbol.
    let ident_len = super::lexer::ident_prefix_len(token);
    if first.is_ascii_digit()
        || ident_len >= token.len()
        || token.contains('"')
        || token.starts_with("--")
        || token.starts_with("/-")
        || super::lexer::SYMBOLS.contains(&token)
    {
        return bad(format!("'{token}' cannot be a notation token"));
    }
    Ok(())
}
