//! Terms: binders, application, notation by precedence climbing.

use super::{is_keyword, PResult, ParseError, Parser, Tok};
use crate::notation::{Mixfix, MixfixItem, ARROW_PREC, MAX_PREC};
use crate::syntax::{Arg, Binder, BinderKind, CalcStep, LevelSyn, Pos, Term, TermKind};
use num_bigint::BigUint;

fn mk(pos: Pos, kind: TermKind) -> Term {
    Term { pos, kind }
}

impl Parser<'_> {
    pub fn term(&mut self) -> PResult<Term> {
        self.term_prec(0)
    }

    /// A term whose operators all bind at least as tightly as `min`.
    pub(crate) fn term_prec(&mut self, min: u32) -> PResult<Term> {
        self.nested(|p| {
            // `lhs_prec`: the precedence of what has been read so far, which
            // a trailing notation's first variable may require (`a:51 " ≈ "`).
            let (mut lhs, mut lhs_prec) = p.leading(min)?;
            // What the operator is, in each position (looked up by the lexer).
            while let Some((s, pos, info)) = p.peek_op()? {
                if p.is_closing(s) {
                    break;
                }
                if s == "→" || s == "->" {
                    if ARROW_PREC < min {
                        break;
                    }
                    p.bump()?;
                    let rhs = p.term_prec(ARROW_PREC)?;
                    lhs = mk(lhs.pos, TermKind::Arrow(Box::new(lhs), Box::new(rhs)));
                    lhs_prec = ARROW_PREC;
                    continue;
                }
                if let Some(n) = &info.infix {
                    if n.prec < min {
                        break;
                    }
                    let (prec, (_, rmin)) = (n.prec, n.operand_precs());
                    let f = mk(pos, TermKind::Ident(n.target.clone()));
                    p.bump()?;
                    let rhs = p.term_prec(rmin)?;
                    lhs = mk(
                        lhs.pos,
                        TermKind::App(Box::new(f), vec![Arg::Pos(lhs), Arg::Pos(rhs)]),
                    );
                    lhs_prec = prec;
                    continue;
                }
                if let Some(n) = &info.postfix {
                    if n.prec < min {
                        break;
                    }
                    let prec = n.prec;
                    let f = mk(pos, TermKind::Ident(n.target.clone()));
                    p.bump()?;
                    lhs = mk(lhs.pos, TermKind::App(Box::new(f), vec![Arg::Pos(lhs)]));
                    lhs_prec = prec;
                    continue;
                }
                if let Some(m) = info.trailing.clone() {
                    if m.prec < min || lhs_prec < m.left_prec().unwrap_or(0) {
                        break;
                    }
                    let start = lhs.pos;
                    lhs = p.mixfix_rest(&m, start, vec![lhs])?;
                    lhs_prec = m.prec;
                    continue;
                }
                break;
            }
            Ok(lhs)
        })
    }

    /// The rest of a general notation whose first token is next; `vars` holds
    /// what the variables before it stand for (the left operand of a
    /// trailing notation). Builds the application it stands for.
    fn mixfix_rest(&mut self, m: &Mixfix, start: Pos, mut vars: Vec<Term>) -> PResult<Term> {
        let first_tok = m
            .items
            .iter()
            .position(|i| matches!(i, MixfixItem::Token { .. }));
        let (_, tok_pos) = self.bump()?;
        let rest = &m.items[first_tok.unwrap_or(0) + 1..];
        for (k, item) in rest.iter().enumerate() {
            match item {
                MixfixItem::Token { token, .. } => {
                    if self.is_sym(token) {
                        self.bump()?;
                    } else {
                        let (tok, pos, _) = self.peek()?;
                        return Err(ParseError {
                            pos,
                            msg: format!(
                                "expected '{token}' (notation for {}), found {}",
                                m.target,
                                tok.describe()
                            ),
                        });
                    }
                }
                MixfixItem::Var(q) => {
                    let t = match rest.get(k + 1) {
                        Some(MixfixItem::Token { token, .. }) => {
                            self.with_closing(token, |p| p.term_prec(*q))?
                        }
                        _ => self.term_prec(*q)?,
                    };
                    vars.push(t);
                }
            }
        }
        let f = mk(tok_pos, TermKind::Ident(m.target.clone()));
        let args = m.args.iter().map(|&k| Arg::Pos(vars[k].clone())).collect();
        Ok(mk(start, TermKind::App(Box::new(f), args)))
    }

    /// The first part of a term and its precedence.
    fn leading(&mut self, min: u32) -> PResult<(Term, u32)> {
        let (tok, _, _) = self.peek()?;
        let binder_like = match tok {
            Tok::Ident(w) => matches!(w, "fun" | "forall" | "exists" | "by" | "calc" | "show"),
            Tok::Sym(s) => matches!(s, "λ" | "∀" | "∃"),
            _ => false,
        };
        if let (Tok::Sym(_), Some(info)) = (tok, self.peeked_sym()) {
            if let Some(n) = &info.prefix {
                let prec = n.prec;
                return Ok((self.leading_term(min)?, prec));
            }
            if let Some(m) = &info.leading {
                if !info.leading_is_argument {
                    let m = m.clone();
                    let (_, pos, _) = self.peek()?;
                    return Ok((self.mixfix_rest(&m, pos, Vec::new())?, m.prec));
                }
            }
        }
        let t = self.leading_term(min)?;
        let prec = if binder_like { 0 } else { self.lead_prec };
        Ok((t, prec))
    }

    fn leading_term(&mut self, min: u32) -> PResult<Term> {
        let (tok, pos, _) = self.peek()?;
        match tok {
            Tok::Ident("fun") | Tok::Sym("λ") => {
                self.bump()?;
                self.lambda(pos)
            }
            Tok::Ident("forall") | Tok::Sym("∀") => {
                self.bump()?;
                self.quantifier(pos, false)
            }
            Tok::Ident("exists") | Tok::Sym("∃") => {
                self.bump()?;
                self.quantifier(pos, true)
            }
            Tok::Ident("by") => {
                self.bump()?;
                let tacs = self.tactic_block()?;
                Ok(mk(pos, TermKind::By(tacs)))
            }
            Tok::Ident("calc") => {
                self.bump()?;
                let steps = self.calc_steps()?;
                Ok(mk(pos, TermKind::Calc(steps)))
            }
            Tok::Ident("show") => {
                self.bump()?;
                let ty = self.term()?;
                if self.is_word("from") {
                    self.bump()?;
                    let e = self.term()?;
                    Ok(mk(pos, TermKind::Show(Box::new(ty), Box::new(e))))
                } else if self.is_word("by") {
                    let e = self.term()?;
                    Ok(mk(pos, TermKind::Show(Box::new(ty), Box::new(e))))
                } else {
                    self.error_here("'from' or 'by'")
                }
            }
            Tok::Ident(w @ ("Sort" | "Type")) => {
                self.bump()?;
                let lvl = if self.starts_level() {
                    self.level_atom()?
                } else {
                    LevelSyn::Num(0)
                };
                self.lead_prec = if lvl == LevelSyn::Num(0) {
                    MAX_PREC
                } else {
                    MAX_PREC - 1
                };
                let kind = if w == "Sort" {
                    TermKind::Sort(lvl)
                } else {
                    TermKind::Type(lvl)
                };
                Ok(mk(pos, kind))
            }
            Tok::Sym("(" | "{" | "⦃") => {
                if let Some(t) = self.try_binder_arrow()? {
                    self.lead_prec = ARROW_PREC;
                    return Ok(t);
                }
                self.application(min)
            }
            Tok::Sym(_) => {
                if let Some(n) = self.peeked_sym().and_then(|i| i.prefix.as_ref()) {
                    let prec = n.prec;
                    let f = mk(pos, TermKind::Ident(n.target.clone()));
                    self.bump()?;
                    let arg = self.term_prec(prec)?;
                    return Ok(mk(pos, TermKind::App(Box::new(f), vec![Arg::Pos(arg)])));
                }
                self.application(min)
            }
            _ => self.application(min),
        }
    }

    /// `f a b (x := c)`, or a single atom.
    fn application(&mut self, min: u32) -> PResult<Term> {
        let head = self.atom()?;
        if min >= MAX_PREC {
            self.lead_prec = MAX_PREC;
            return Ok(head);
        }
        let mut args = Vec::new();
        loop {
            // One look at the next token decides (it is read once per argument).
            let tok = self.peek()?.0;
            if tok == Tok::Sym("(") {
                if let Some((name, val)) = self.try_named_arg()? {
                    args.push(Arg::Named(name, val));
                    continue;
                }
            }
            if self.starts_atom(tok) {
                args.push(Arg::Pos(self.atom()?));
                continue;
            }
            if matches!(tok, Tok::Ident("fun" | "by") | Tok::Sym("λ")) {
                args.push(Arg::Pos(self.term_prec(0)?));
            }
            break;
        }
        self.lead_prec = if args.is_empty() {
            MAX_PREC
        } else {
            MAX_PREC - 1
        };
        if args.is_empty() {
            Ok(head)
        } else {
            let pos = head.pos;
            Ok(mk(pos, TermKind::App(Box::new(head), args)))
        }
    }

    /// Whether `tok`, the next token, starts an argument.
    fn starts_atom(&self, tok: Tok<'_>) -> bool {
        match tok {
            Tok::Ident(w) => !is_keyword(w) || w == "Prop" || w == "Type" || w == "Sort",
            Tok::Num(_) => true,
            Tok::Sym(s) => {
                matches!(s, "(" | "⟨" | "@")
                    || self
                        .peeked_sym()
                        .is_some_and(|i| i.leading.is_some() && i.leading_is_argument)
            }
            _ => false,
        }
    }

    /// `(x := e)` in argument position.
    fn try_named_arg(&mut self) -> PResult<Option<(String, Term)>> {
        if !self.is_sym("(") {
            return Ok(None);
        }
        let saved = self.save();
        self.bump()?;
        if let (Tok::Ident(name), _, _) = self.peek()? {
            if !is_keyword(name) {
                self.bump()?;
                if self.is_sym(":=") {
                    self.bump()?;
                    let val = self.term()?;
                    self.expect_sym(")")?;
                    return Ok(Some((name.to_string(), val)));
                }
            }
        }
        self.restore(saved);
        Ok(None)
    }

    /// An argument: a name, numeral, `_`, `(…)`, `⟨…⟩`, `@f`, `Prop`,
    /// `Type`, followed by projections `.1` / `.field`.
    pub(crate) fn atom(&mut self) -> PResult<Term> {
        let (tok, pos, _) = self.peek()?;
        let mut t = match tok {
            Tok::Ident("Prop") => {
                self.bump()?;
                mk(pos, TermKind::Prop)
            }
            Tok::Ident("Type") => {
                self.bump()?;
                mk(pos, TermKind::Type(LevelSyn::Num(0)))
            }
            Tok::Ident("Sort") => {
                self.bump()?;
                mk(pos, TermKind::Sort(LevelSyn::Num(0)))
            }
            Tok::Ident("_") => {
                self.bump()?;
                mk(pos, TermKind::Hole)
            }
            Tok::Ident(w) if !is_keyword(w) => {
                self.bump()?;
                mk(pos, TermKind::Ident(w.to_string()))
            }
            Tok::Num(n) => {
                self.bump()?;
                let v: BigUint = n.parse().map_err(|_| ParseError {
                    pos,
                    msg: "bad numeral".into(),
                })?;
                mk(pos, TermKind::Num(v))
            }
            Tok::Sym("@") => {
                self.bump()?;
                let (name, _) = self.ident("a name after '@'")?;
                mk(pos, TermKind::Explicit(name))
            }
            Tok::Sym("(") => {
                self.bump()?;
                let inner = self.nested(|p| p.with_stop_col(0, |p| p.term()))?;
                let t = if self.is_sym(":") {
                    self.bump()?;
                    let ty = self.with_stop_col(0, |p| p.term())?;
                    mk(pos, TermKind::Ascribe(Box::new(inner), Box::new(ty)))
                } else {
                    inner
                };
                self.expect_sym(")")?;
                t
            }
            Tok::Sym("⟨") => {
                self.bump()?;
                let mut items = Vec::new();
                if !self.is_sym("⟩") {
                    loop {
                        items.push(self.nested(|p| p.with_stop_col(0, |p| p.term()))?);
                        if self.is_sym(",") {
                            self.bump()?;
                        } else {
                            break;
                        }
                    }
                }
                self.expect_sym("⟩")?;
                mk(pos, TermKind::Anon(items))
            }
            Tok::Sym(_) if self.peeked_sym().is_some_and(|i| i.leading.is_some()) => {
                let m = self.peeked_sym().and_then(|i| i.leading.clone());
                self.mixfix_rest(&m.expect("a notation"), pos, Vec::new())?
            }
            _ => return self.error_here("a term"),
        };
        // Projections: `.1` or `.field` right after the atom, no space.
        loop {
            let off = self.at_offset();
            let rest = &self.src()[off..];
            // Most atoms are followed by no dot: straight to the postfix check.
            if let Some(after) = rest.strip_prefix('.') {
                let digits = &after[..after.bytes().take_while(u8::is_ascii_digit).count()];
                if !digits.is_empty() {
                    self.bump()?; // the dot
                    let (_, npos) = self.bump()?;
                    let i: u32 = digits.parse().map_err(|_| ParseError {
                        pos: npos,
                        msg: "bad projection index".into(),
                    })?;
                    t = mk(t.pos, TermKind::ProjIdx(Box::new(t), i));
                    continue;
                }
                if after
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                {
                    self.bump()?; // the dot
                    let (field, _) = self.ident("a field name")?;
                    t = match t.kind {
                        TermKind::Ident(base) => {
                            mk(t.pos, TermKind::Ident(format!("{base}.{field}")))
                        }
                        // `(e).f.g` is `((e).f).g` (the field reads as one dotted name).
                        kind => field.split('.').fold(mk(t.pos, kind), |e, f| {
                            mk(t.pos, TermKind::ProjField(Box::new(e), f.to_string()))
                        }),
                    };
                    continue;
                }
            }
            // Postfix operators of the highest precedence bind to the atom.
            if let Ok((Tok::Sym(_), opos, _)) = self.peek() {
                if let Some(n) = self.peeked_sym().and_then(|i| i.postfix.as_ref()) {
                    if n.prec >= MAX_PREC {
                        let f = mk(opos, TermKind::Ident(n.target.clone()));
                        self.bump()?;
                        t = mk(t.pos, TermKind::App(Box::new(f), vec![Arg::Pos(t)]));
                        continue;
                    }
                }
            }
            break;
        }
        Ok(t)
    }

    fn starts_level(&self) -> bool {
        match self.peek() {
            Ok((Tok::Num(_), _, _)) => true,
            Ok((Tok::Ident(w), _, _)) => !is_keyword(w) && w != "_",
            Ok((Tok::Sym(s), _, _)) => s == "(",
            _ => false,
        }
    }

    fn level_atom(&mut self) -> PResult<LevelSyn> {
        let (tok, pos, _) = self.peek()?;
        match tok {
            Tok::Num(n) => {
                self.bump()?;
                n.parse().map(LevelSyn::Num).map_err(|_| ParseError {
                    pos,
                    msg: "universe level too large".into(),
                })
            }
            Tok::Ident(w) if !is_keyword(w) => {
                self.bump()?;
                Ok(LevelSyn::Param(w.to_string()))
            }
            Tok::Sym("(") => {
                self.bump()?;
                let l = self.nested(|p| p.level())?;
                self.expect_sym(")")?;
                Ok(l)
            }
            _ => self.error_here("a universe level"),
        }
    }

    /// `u`, `u+1`, `max u v`, `imax u v`, `2`.
    pub(crate) fn level(&mut self) -> PResult<LevelSyn> {
        let l = if self.is_word("max") || self.is_word("imax") {
            let (tok, _) = self.bump()?;
            let a = self.level_atom()?;
            let b = self.level_atom()?;
            if tok == Tok::Ident("max") {
                LevelSyn::Max(Box::new(a), Box::new(b))
            } else {
                LevelSyn::IMax(Box::new(a), Box::new(b))
            }
        } else {
            self.level_atom()?
        };
        if self.is_sym("+") || self.peek()?.0 == Tok::Sym("+") {
            self.bump()?;
            let (tok, pos, _) = self.peek()?;
            if let Tok::Num(n) = tok {
                self.bump()?;
                let k: u32 = n.parse().map_err(|_| ParseError {
                    pos,
                    msg: "universe offset too large".into(),
                })?;
                return Ok(LevelSyn::Add(Box::new(l), k));
            }
            return self.error_here("a numeral after '+'");
        }
        Ok(l)
    }

    fn lambda(&mut self, pos: Pos) -> PResult<Term> {
        let binders = self.binders(true)?;
        if binders.is_empty() {
            return self.error_here("a binder");
        }
        if self.is_sym("=>") || self.is_sym("↦") {
            self.bump()?;
        } else {
            return self.error_here("'=>'");
        }
        let body = self.term()?;
        Ok(mk(pos, TermKind::Lam(binders, Box::new(body))))
    }

    fn quantifier(&mut self, pos: Pos, exists: bool) -> PResult<Term> {
        let binders = self.binders(true)?;
        if binders.is_empty() {
            return self.error_here("a binder");
        }
        self.expect_sym(",")?;
        let body = self.term()?;
        let kind = if exists {
            TermKind::Exists(binders, Box::new(body))
        } else {
            TermKind::Pi(binders, Box::new(body))
        };
        Ok(mk(pos, kind))
    }

    /// Binder groups: `(x y : A)`, `{x : A}`, `⦃x : A⦄`, `[h : C]`, and when
    /// `bare` is allowed, `x` or `x y : A` without brackets.
    pub(crate) fn binders(&mut self, bare: bool) -> PResult<Vec<Binder>> {
        let mut out = Vec::new();
        loop {
            let (tok, pos, _) = self.peek()?;
            let close = match tok {
                Tok::Sym("(") => ")",
                Tok::Sym("{") => "}",
                Tok::Sym("⦃") => "⦄",
                Tok::Sym("[") => "]",
                Tok::Ident(w) if bare && (!is_keyword(w)) => {
                    let names = self.binder_names()?;
                    let ty = self.optional_type()?;
                    let done = ty.is_some();
                    out.push(Binder {
                        pos,
                        names,
                        ty,
                        kind: BinderKind::Explicit,
                    });
                    if done {
                        break;
                    }
                    continue;
                }
                _ => break,
            };
            let kind = match close {
                ")" => BinderKind::Explicit,
                "}" => BinderKind::Implicit,
                "⦄" => BinderKind::StrictImplicit,
                _ => BinderKind::Inst,
            };
            self.bump()?;
            let names = self.binder_names()?;
            if names.is_empty() {
                return self.error_here("a binder name");
            }
            let ty = if self.is_sym(":") {
                self.bump()?;
                Some(self.nested(|p| p.with_stop_col(0, |p| p.term()))?)
            } else {
                None
            };
            self.expect_sym(close)?;
            out.push(Binder {
                pos,
                names,
                ty,
                kind,
            });
        }
        Ok(out)
    }

    fn binder_names(&mut self) -> PResult<Vec<(String, Pos)>> {
        let mut names = Vec::new();
        while let (Tok::Ident(w), pos, _) = self.peek()? {
            if is_keyword(w) {
                break;
            }
            self.bump()?;
            names.push((w.to_string(), pos));
        }
        Ok(names)
    }

    /// `(x : A) → B` and `{x : A} → B` (otherwise backtracks).
    fn try_binder_arrow(&mut self) -> PResult<Option<Term>> {
        if !self.starts_typed_binder() {
            return Ok(None);
        }
        let saved = self.save();
        let (_, pos, _) = self.peek()?;
        let attempt = (|| -> PResult<Option<Vec<Binder>>> {
            let bs = self.binders(false)?;
            if bs.is_empty() || bs.iter().any(|b| b.ty.is_none()) {
                return Ok(None);
            }
            if self.is_sym("→") || self.is_sym("->") {
                self.bump()?;
                return Ok(Some(bs));
            }
            Ok(None)
        })();
        match attempt {
            Ok(Some(bs)) => {
                let body = self.term_prec(ARROW_PREC)?;
                Ok(Some(mk(pos, TermKind::Pi(bs, Box::new(body)))))
            }
            _ => {
                self.restore(saved);
                Ok(None)
            }
        }
    }

    /// Whether a bracket, names and `:` come next, as a binder group with a
    /// type starts (`(x y : A)`): a cheap look before trying to read one,
    /// since most brackets open a term.
    fn starts_typed_binder(&mut self) -> bool {
        let saved = self.save();
        let r = (|| -> PResult<bool> {
            self.bump()?; // the bracket
            let mut names = 0;
            while let (Tok::Ident(w), _, _) = self.peek()? {
                if is_keyword(w) {
                    break;
                }
                self.bump()?;
                names += 1;
            }
            Ok(names > 0 && self.is_sym(":"))
        })();
        self.restore(saved);
        matches!(r, Ok(true))
    }

    /// `a = b := p` then `_ = c := q` lines.
    pub(crate) fn calc_steps(&mut self) -> PResult<Vec<CalcStep>> {
        let (_, first_pos, _) = self.peek()?;
        let outer = self.stop_col();
        let col = first_pos.col;
        let mut steps = Vec::new();
        loop {
            let (_, pos, _) = self.peek()?;
            let rel = self.with_stop_col(outer, |p| p.term())?;
            self.expect_sym(":=")?;
            let proof = self.with_stop_col(col.max(outer), |p| p.term())?;
            let step = CalcStep { pos, rel, proof };
            steps.push(step);
            match self.peek_raw()? {
                (Tok::Ident(w), p, _) if w == "_" && p.col > outer && p.col <= col => continue,
                _ => break,
            }
        }
        Ok(steps)
    }
}
