//! Tactic blocks: tactics at one column (or separated by `;`).

use super::{is_keyword, PResult, Parser, Tok};
use crate::syntax::{InductionAlt, RwRule, Tactic, TacticKind};

impl Parser<'_> {
    /// The tactics after `by` (or `=>` of an alternative).
    pub(crate) fn tactic_block(&mut self) -> PResult<Vec<Tactic>> {
        let (tok, first, _) = self.peek()?;
        if tok == Tok::Eof {
            return self.error_here("a tactic");
        }
        let col = first.col;
        let mut out = Vec::new();
        loop {
            let t = self.with_stop_col(col, |p| p.tactic())?;
            out.push(t);
            if self.is_sym(";") {
                self.bump()?;
                continue;
            }
            // The next tactic starts a line at the block's column.
            match self.peek_raw()? {
                (Tok::Eof, _, _) => break,
                (_, pos, _) if pos.col == col && pos.col > self.stop_col() => continue,
                _ => break,
            }
        }
        Ok(out)
    }

    pub(crate) fn tactic(&mut self) -> PResult<Tactic> {
        let (tok, pos, _) = self.peek_raw()?;
        let word = match tok {
            Tok::Ident(w) => w,
            Tok::Sym("·") => {
                self.bump()?;
                let tacs = self.tactic_block()?;
                return Ok(Tactic {
                    pos,
                    kind: TacticKind::Focus(tacs),
                });
            }
            _ => return self.error_here("a tactic"),
        };
        self.bump()?;
        let kind = match word {
            "intro" | "intros" => {
                let mut names = Vec::new();
                while let (Tok::Ident(w), _, _) = self.peek()? {
                    if is_keyword(w) {
                        break;
                    }
                    self.bump()?;
                    names.push(w.to_string());
                }
                TacticKind::Intro(names)
            }
            "exact" => TacticKind::Exact(self.term()?),
            "apply" => TacticKind::Apply(self.term()?),
            "rfl" => TacticKind::Rfl,
            "symm" => TacticKind::Symm,
            "constructor" => TacticKind::Constructor,
            "rw" | "rewrite" => {
                let rules = self.rw_rules()?;
                let at = self.at_clause()?;
                TacticKind::Rw {
                    rules,
                    at,
                    occ: None,
                }
            }
            "nth_rewrite" | "nth_rw" => {
                let k = match self.peek()? {
                    (Tok::Num(n), _, _) => n.parse::<usize>().ok().filter(|&k| k >= 1),
                    _ => None,
                };
                let Some(k) = k else {
                    return self.error_here("an occurrence number (1, 2, …)");
                };
                self.bump()?;
                let rules = self.rw_rules()?;
                let at = self.at_clause()?;
                TacticKind::Rw {
                    rules,
                    at,
                    occ: Some(k),
                }
            }
            "simp" => {
                self.expect_word("only")?;
                let rules = self.rw_rules()?;
                let at = self.at_clause()?;
                TacticKind::SimpOnly { rules, at }
            }
            "induction" | "cases" => {
                let (target, _) = self.ident("a variable")?;
                let alts = if self.is_word("with") {
                    self.bump()?;
                    Some(self.alts()?)
                } else {
                    None
                };
                if word == "induction" {
                    TacticKind::Induction { target, alts }
                } else {
                    TacticKind::Cases { target, alts }
                }
            }
            "calc" => TacticKind::Calc(self.calc_steps()?),
            "have" => {
                let (name, _) = self.ident("a name")?;
                let ty = self.optional_type()?;
                self.expect_sym(":=")?;
                let value = self.term()?;
                TacticKind::Have { name, ty, value }
            }
            "show" => TacticKind::Show(self.term()?),
            other => {
                return Err(super::ParseError {
                    pos,
                    msg: format!("unknown tactic '{other}'"),
                })
            }
        };
        Ok(Tactic { pos, kind })
    }

    fn rw_rules(&mut self) -> PResult<Vec<RwRule>> {
        self.expect_sym("[")?;
        let mut rules = Vec::new();
        if self.is_sym("]") {
            self.bump()?;
            return Ok(rules);
        }
        loop {
            let (_, pos, _) = self.peek()?;
            let reverse = if self.is_sym("←") || self.is_sym("<-") {
                self.bump()?;
                true
            } else {
                false
            };
            let term = self.with_stop_col(0, |p| p.term())?;
            rules.push(RwRule { pos, reverse, term });
            if self.is_sym(",") {
                self.bump()?;
            } else {
                break;
            }
        }
        self.expect_sym("]")?;
        Ok(rules)
    }

    fn at_clause(&mut self) -> PResult<Option<String>> {
        if self.is_word("at") {
            self.bump()?;
            Ok(Some(self.ident("a hypothesis name")?.0))
        } else {
            Ok(None)
        }
    }

    /// `| c x y => tactics` alternatives.
    fn alts(&mut self) -> PResult<Vec<InductionAlt>> {
        let mut alts = Vec::new();
        while let (Tok::Sym("|"), _, _) = self.peek_raw()? {
            let (_, pos) = self.bump()?;
            let (ctor, _) = self.with_stop_col(0, |p| p.ident("a constructor name"))?;
            let mut names = Vec::new();
            while let (Tok::Ident(w), _, _) = self.peek_raw()? {
                if is_keyword(w) {
                    break;
                }
                self.bump()?;
                names.push(w.to_string());
            }
            if self.peek_raw()?.0 != Tok::Sym("=>") {
                return self.with_stop_col(0, |p| p.error_here("'=>'"));
            }
            self.bump()?;
            let tactics = self.tactic_block()?;
            alts.push(InductionAlt {
                pos,
                ctor,
                names,
                tactics,
            });
        }
        if alts.is_empty() {
            return self.error_here("'|'");
        }
        Ok(alts)
    }
}
