//! The rule space (DESIGN §5): a petgraph graph whose nodes are rule
//! directions and whose edge A → B says that B's source pattern unifies with
//! a subterm A introduces (a non-variable subterm of A's target, or anything
//! when B's source is a bare variable). Walks prefer successors of the
//! direction they just took; coverage counts which nodes and edges a corpus
//! exercised.

use crate::rules::RuleSet;
use crate::term::Term;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::BTreeMap;

pub struct RuleSpace {
    pub graph: DiGraph<usize, ()>,
    /// `succ[a]`: the directions B with an edge a → B.
    pub succ: Vec<Vec<bool>>,
}

/// Syntactic unification of two patterns with disjoint variables (`b`'s
/// variables are offset by `off`).
fn unify(a: &Term, b: &Term, off: u32, s: &mut BTreeMap<u32, Term>) -> bool {
    fn shift(t: &Term, off: u32) -> Term {
        match t {
            Term::Var(v) => Term::Var(v + off),
            Term::Lit(n) => Term::Lit(*n),
            Term::App(f, xs) => Term::App(*f, xs.iter().map(|x| shift(x, off)).collect()),
        }
    }
    fn walk(t: &Term, s: &BTreeMap<u32, Term>) -> Term {
        match t {
            Term::Var(v) => match s.get(v) {
                Some(x) => walk(x, s),
                None => t.clone(),
            },
            _ => t.clone(),
        }
    }
    fn occurs(v: u32, t: &Term, s: &BTreeMap<u32, Term>) -> bool {
        match walk(t, s) {
            Term::Var(w) => v == w,
            Term::Lit(_) => false,
            Term::App(_, xs) => xs.iter().any(|x| occurs(v, x, s)),
        }
    }
    fn go(a: &Term, b: &Term, s: &mut BTreeMap<u32, Term>) -> bool {
        let (a, b) = (walk(a, s), walk(b, s));
        match (&a, &b) {
            (Term::Var(x), Term::Var(y)) if x == y => true,
            (Term::Var(x), t) | (t, Term::Var(x)) => {
                if occurs(*x, t, s) {
                    return false;
                }
                s.insert(*x, t.clone());
                true
            }
            (Term::Lit(m), Term::Lit(n)) => m == n,
            (Term::App(f, xs), Term::App(g, ys)) => {
                f == g && xs.len() == ys.len() && xs.iter().zip(ys.iter()).all(|(x, y)| go(x, y, s))
            }
            _ => false,
        }
    }
    go(a, &shift(b, off), s)
}

fn subterms<'t>(t: &'t Term, out: &mut Vec<&'t Term>) {
    if let Term::App(_, xs) = t {
        out.push(t);
        xs.iter().for_each(|x| subterms(x, out));
    }
}

impl RuleSpace {
    pub fn build(rs: &RuleSet) -> RuleSpace {
        let n = rs.dirs.len();
        let mut graph = DiGraph::with_capacity(n, n * 4);
        let nodes: Vec<NodeIndex> = (0..n).map(|i| graph.add_node(i)).collect();
        let mut succ = vec![vec![false; n]; n];
        for (a, da) in rs.dirs.iter().enumerate() {
            let mut subs = Vec::new();
            subterms(&da.target, &mut subs);
            for (b, db) in rs.dirs.iter().enumerate() {
                let feeds = matches!(db.source, Term::Var(_))
                    || subs
                        .iter()
                        .any(|s| unify(s, &db.source, 1000, &mut BTreeMap::new()));
                if feeds {
                    graph.add_edge(nodes[a], nodes[b], ());
                    succ[a][b] = true;
                }
            }
        }
        RuleSpace { graph, succ }
    }
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }
}

/// Which directions and edges a corpus exercised (counts).
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    pub nodes: Vec<u64>,
    /// `(a, b)` pairs of consecutive steps along an edge of the rule space.
    pub edges: BTreeMap<(usize, usize), u64>,
}

impl Coverage {
    pub fn new(ndirs: usize) -> Coverage {
        Coverage {
            nodes: vec![0; ndirs],
            edges: BTreeMap::new(),
        }
    }
    pub fn record(&mut self, dirs: &[usize], space: &RuleSpace) {
        for &d in dirs {
            self.nodes[d] += 1;
        }
        for w in dirs.windows(2) {
            if space.succ[w[0]][w[1]] {
                *self.edges.entry((w[0], w[1])).or_default() += 1;
            }
        }
    }
    pub fn nodes_covered(&self) -> usize {
        self.nodes.iter().filter(|&&c| c > 0).count()
    }
}
