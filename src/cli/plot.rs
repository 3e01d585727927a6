//! Charts, with plotters. `proofmill stats DIR --plot OUT`: the corpus's
//! quality figures as SVG and PNG charts: each rule family's share of
//! steps, the problems' answer and question sizes and their quality
//! ratios, and the rule space, a node per rule direction on a circle with
//! an arrow per edge, the edges the corpus covered (consecutive steps)
//! drawn dark and thick, the others light. `proofmill bench-provers`: solve
//! rate against difficulty, one line per prover, as SVG and PNG. Every
//! chart is drawn once, generically over plotters' backends, and written as
//! PNG (the bitmap backend) for a `.png` path, SVG otherwise
//! ([`on_backend!`]). Text is drawn with DejaVu Sans, embedded (the `dejavu`
//! crate), so no font need be installed.

use plotters::prelude::*;
use proofmill_generator::rules::RuleSet;
use proofmill_generator::space::RuleSpace;
use proofmill_tactics::theory::Theory;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What a chart could not be written for.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("{path}: {msg}")]
    Draw { path: String, msg: String },
    #[error("{path}: {msg}")]
    Io { path: String, msg: String },
}

/// Registers the embedded font as `sans-serif`, once, before any chart.
fn fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The crate's bytes are a valid TrueType font; if they were not,
        // drawing text would report it.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// Calls `draw(root, args…)` with a drawing area of `size` on the backend
/// `path` names: PNG for a `.png` path, SVG otherwise.
macro_rules! on_backend {
    ($path:expr, $size:expr, $draw:ident($($arg:expr),*)) => {
        if $path.extension().is_some_and(|e| e == "png") {
            $draw(BitMapBackend::new($path, $size).into_drawing_area(), $($arg),*)
        } else {
            $draw(SVGBackend::new($path, $size).into_drawing_area(), $($arg),*)
        }
    };
}

fn draw_err(path: &Path, e: impl std::fmt::Display) -> PlotError {
    PlotError::Draw {
        path: path.display().to_string(),
        msg: e.to_string(),
    }
}

/// A bar chart of `(label, value)` (values in percent or counts), as SVG
/// or, for a `.png` path, PNG.
pub fn bars(
    path: &Path,
    title: &str,
    y_label: &str,
    data: &[(String, f64)],
) -> Result<(), PlotError> {
    fonts();
    on_backend!(path, (960, 540), draw_bars(path, title, y_label, data))
}

fn draw_bars<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    path: &Path,
    title: &str,
    y_label: &str,
    data: &[(String, f64)],
) -> Result<(), PlotError> {
    root.fill(&WHITE).map_err(|e| draw_err(path, e))?;
    let max = data
        .iter()
        .map(|(_, v)| *v)
        .fold(0.0f64, f64::max)
        .max(1e-9)
        * 1.1;
    let n = data.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(if n > 12 { 120 } else { 40 })
        .y_label_area_size(60)
        .build_cartesian_2d((0..n).into_segmented(), 0.0..max)
        .map_err(|e| draw_err(path, e))?;
    let labels: Vec<String> = data.iter().map(|(l, _)| l.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_desc(y_label)
        .x_labels(n)
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_style(("sans-serif", 12).into_font().transform(if n > 12 {
            FontTransform::Rotate90
        } else {
            FontTransform::None
        }))
        .draw()
        .map_err(|e| draw_err(path, e))?;
    chart
        .draw_series(
            Histogram::vertical(&chart)
                .style(BLUE.mix(0.6).filled())
                .margin(3)
                .data(data.iter().enumerate().map(|(i, (_, v))| (i, *v))),
        )
        .map_err(|e| draw_err(path, e))?;
    root.present().map_err(|e| draw_err(path, e))?;
    Ok(())
}

/// A histogram of sizes (SVG, or PNG for a `.png` path).
pub fn histogram(path: &Path, title: &str, h: &BTreeMap<u32, u64>) -> Result<(), PlotError> {
    fonts();
    let data: Vec<(String, f64)> = h.iter().map(|(k, v)| (k.to_string(), *v as f64)).collect();
    bars(path, title, "problems", &data)
}

/// The rule space of `theory`: directions on a circle, edges as lines,
/// the `covered` ones (pairs of direction labels, `add_comm` / `add_comm←`)
/// dark and thick (SVG, or PNG for a `.png` path).
pub fn rule_space(
    path: &Path,
    theory: &Theory,
    covered: &HashSet<(String, String)>,
) -> Result<(usize, usize), PlotError> {
    fonts();
    let rs = RuleSet::extract(theory);
    let space = RuleSpace::build(&rs);
    on_backend!(
        path,
        (1100, 1100),
        draw_rule_space(path, &rs, &space, covered)
    )
}

fn draw_rule_space<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    path: &Path,
    rs: &RuleSet,
    space: &RuleSpace,
    covered: &HashSet<(String, String)>,
) -> Result<(usize, usize), PlotError> {
    let n = rs.dirs.len().max(1);
    let labels: Vec<String> = rs.dirs.iter().map(|d| d.label(&rs.rules)).collect();
    root.fill(&WHITE).map_err(|e| draw_err(path, e))?;
    let (cx, cy, r) = (550.0f64, 560.0f64, 420.0f64);
    let at = |i: usize| {
        let a = std::f64::consts::TAU * i as f64 / n as f64;
        ((cx + r * a.cos()) as i32, (cy + r * a.sin()) as i32)
    };
    let mut hit = 0;
    // Uncovered edges first, so covered ones are drawn on top.
    for pass in [false, true] {
        for (a, row) in space.succ.iter().enumerate() {
            for (b, &e) in row.iter().enumerate() {
                if !e || a == b {
                    continue;
                }
                let is_covered = covered.contains(&(labels[a].clone(), labels[b].clone()));
                if is_covered != pass {
                    continue;
                }
                hit += usize::from(is_covered);
                let style = if is_covered {
                    ShapeStyle::from(&RED.mix(0.8)).stroke_width(2)
                } else {
                    ShapeStyle::from(&BLACK.mix(0.06)).stroke_width(1)
                };
                root.draw(&PathElement::new(vec![at(a), at(b)], style))
                    .map_err(|e| draw_err(path, e))?;
            }
        }
    }
    for (i, l) in labels.iter().enumerate() {
        let (x, y) = at(i);
        root.draw(&Circle::new((x, y), 4, BLUE.filled()))
            .map_err(|e| draw_err(path, e))?;
        let a = std::f64::consts::TAU * i as f64 / n as f64;
        let (tx, ty) = (
            (cx + (r + 14.0) * a.cos()) as i32,
            (cy + (r + 14.0) * a.sin()) as i32,
        );
        let tx = if a.cos() < 0.0 {
            tx - 7 * l.chars().count() as i32
        } else {
            tx
        };
        root.draw(&Text::new(l.clone(), (tx, ty), ("sans-serif", 12)))
            .map_err(|e| draw_err(path, e))?;
    }
    root.draw(&Text::new(
        format!(
            "rule space: {} directions, {} edges, {hit} covered (red)",
            rs.dirs.len(),
            space.edge_count()
        ),
        (20, 20),
        ("sans-serif", 20),
    ))
    .map_err(|e| draw_err(path, e))?;
    root.present().map_err(|e| draw_err(path, e))?;
    Ok((space.edge_count(), hit))
}

/// Creates `dir` (and parents).
pub fn prepare(dir: &Path) -> Result<(), PlotError> {
    std::fs::create_dir_all(dir).map_err(|e| PlotError::Io {
        path: dir.display().to_string(),
        msg: e.to_string(),
    })
}

/// One line per series (`name`, points `(x, y%)`) of solve rate against a
/// difficulty, written to `path` as SVG or, for a `.png` path, PNG.
pub fn lines(
    path: &Path,
    title: &str,
    x_label: &str,
    series: &[(String, Vec<(u32, f64)>)],
) -> Result<(), PlotError> {
    fonts();
    on_backend!(path, (960, 540), draw_lines(path, title, x_label, series))
}

fn draw_lines<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    path: &Path,
    title: &str,
    x_label: &str,
    series: &[(String, Vec<(u32, f64)>)],
) -> Result<(), PlotError> {
    let e = |e: &dyn std::fmt::Display| draw_err(path, e);
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let xs = series.iter().flat_map(|(_, p)| p.iter().map(|(x, _)| *x));
    let (lo, hi) = xs.fold((u32::MAX, 0), |(l, h), x| (l.min(x), h.max(x)));
    let (lo, hi) = if lo > hi {
        (0, 1)
    } else {
        (lo, hi.max(lo + 1))
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d(lo..hi, 0.0..105.0)
        .map_err(|x| e(&x))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc("solved (%)")
        .x_labels((hi - lo + 1) as usize)
        .draw()
        .map_err(|x| e(&x))?;
    for (i, (name, points)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(|x| e(&x))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        chart
            .draw_series(
                points
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
            )
            .map_err(|x| e(&x))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerLeft)
        .draw()
        .map_err(|x| e(&x))?;
    root.present().map_err(|x| e(&x))?;
    Ok(())
}
