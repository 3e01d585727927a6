//! Commands: declarations, notation, scoping.

use super::{is_keyword, PResult, ParseError, Parser, Tok};
use crate::notation::MAX_PREC;
use crate::syntax::{Attribute, Command, CommandKind, Ctor, Field, NotationKind};

impl Parser<'_> {
    pub(crate) fn command(&mut self) -> PResult<Command> {
        let (tok, pos, _) = self.peek()?;
        let attrs = if tok == Tok::Sym("@[".into()) {
            self.attributes()?
        } else {
            Vec::new()
        };
        let (tok, kpos, _) = self.peek()?;
        let Tok::Ident(word) = tok else {
            return self.error_here("a command");
        };
        if !attrs.is_empty() && !matches!(word.as_str(), "theorem" | "lemma" | "axiom" | "def") {
            return Err(ParseError {
                pos: kpos,
                msg: "attributes are allowed only on 'theorem', 'axiom' and 'def'".into(),
            });
        }
        self.bump()?;
        let kind = match word.as_str() {
            "prelude" => CommandKind::Prelude,
            "import" => match self.peek()? {
                (Tok::Str(s), _, _) => {
                    self.bump()?;
                    CommandKind::ImportPath(s)
                }
                _ => CommandKind::ImportShipped(self.ident("a theory name or \"path\"")?.0),
            },
            "universe" => {
                let mut names = vec![self.ident("a universe name")?.0];
                while let (Tok::Ident(w), _, _) = self.peek()? {
                    if is_keyword(&w) || self.is_command_start() {
                        break;
                    }
                    self.bump()?;
                    names.push(w);
                }
                CommandKind::Universe(names)
            }
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
            "open" => {
                let mut names = vec![self.ident("a namespace name")?.0];
                while let (Tok::Ident(w), _, _) = self.peek()? {
                    if is_keyword(&w) || self.is_command_start() {
                        break;
                    }
                    self.bump()?;
                    names.push(w);
                }
                CommandKind::Open(names)
            }
            "inductive" => self.inductive()?,
            "structure" => self.structure()?,
            "def" => {
                let (name, _) = self.ident("a name")?;
                let binders = self.binders(false)?;
                let ty = if self.is_sym(":") {
                    self.bump()?;
                    Some(self.term()?)
                } else {
                    None
                };
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
            "infix" | "infixl" | "infixr" | "prefix" | "postfix" => self.notation(&word)?,
            "notation" => {
                return Err(ParseError {
                    pos: kpos,
                    msg: "general 'notation' is not supported; use infix, infixl, infixr, prefix or postfix".into(),
                })
            }
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

    fn optional_name(&mut self) -> PResult<Option<String>> {
        match self.peek()? {
            (Tok::Ident(w), p, _) if !is_keyword(&w) && p.col > 1 => {
                self.bump()?;
                Ok(Some(w))
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
        let ty = if self.is_sym(":") {
            self.bump()?;
            Some(self.term()?)
        } else {
            None
        };
        if self.is_word("where") {
            self.bump()?;
        }
        let mut ctors = Vec::new();
        while self.is_sym("|") {
            let (_, pos) = self.bump()?;
            let (cname, _) = self.ident("a constructor name")?;
            let cbinders = self.binders(false)?;
            let cty = if self.is_sym(":") {
                self.bump()?;
                Some(self.term()?)
            } else {
                None
            };
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
        let ty = if self.is_sym(":") {
            self.bump()?;
            Some(self.term()?)
        } else {
            None
        };
        self.expect_word("where")?;
        let mut ctor = None;
        // `mk ::`
        let saved = self.save();
        if let (Tok::Ident(w), _, _) = self.peek()? {
            if !is_keyword(&w) {
                self.bump()?;
                if self.is_sym(":") {
                    self.bump()?;
                    if self.is_sym(":") {
                        self.bump()?;
                        ctor = Some(w);
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
                Tok::Ident(w) if !is_keyword(&w) && pos.col > 1 => {}
                _ => break,
            }
            let mut names = Vec::new();
            while let (Tok::Ident(w), p, _) = self.peek()? {
                if is_keyword(&w) {
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
                    name: n,
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
        let (tok, ppos, _) = self.peek()?;
        let prec = match tok {
            Tok::Num(n) => {
                self.bump()?;
                n.parse::<u32>()
                    .ok()
                    .filter(|p| *p <= MAX_PREC)
                    .ok_or_else(|| ParseError {
                        pos: ppos,
                        msg: format!("precedence must be at most {MAX_PREC}"),
                    })?
            }
            Tok::Ident(w) if w == "max" => {
                self.bump()?;
                MAX_PREC
            }
            _ => return self.error_here("a precedence"),
        };
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
}
