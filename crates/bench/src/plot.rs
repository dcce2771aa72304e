//! The report's SVG plots (plotters, SVG backend only).

use std::path::Path;

use plotters::prelude::*;

type Result = std::result::Result<(), String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// One line of a plot.
pub(crate) struct Line<'a> {
    pub(crate) label: &'a str,
    pub(crate) color: RGBColor,
    pub(crate) points: Vec<(f64, f64)>,
}

/// The palette of the lines.
pub(crate) const COLORS: [RGBColor; 6] = [
    RGBColor(200, 30, 30),
    RGBColor(30, 90, 200),
    RGBColor(240, 140, 20),
    RGBColor(60, 160, 60),
    RGBColor(130, 60, 170),
    RGBColor(90, 90, 90),
];

/// A line chart of `lines` into `path`; `log` makes both axes logarithmic.
pub(crate) fn chart(
    path: &Path,
    title: &str,
    (x_desc, y_desc): (&str, &str),
    lines: &[Line<'_>],
    log: bool,
) -> Result {
    let all: Vec<(f64, f64)> = lines
        .iter()
        .flat_map(|l| l.points.iter().copied())
        .collect();
    let finite = |v: f64| v.is_finite() && (!log || v > 0.0);
    let xs: Vec<f64> = all.iter().map(|p| p.0).filter(|&v| finite(v)).collect();
    let ys: Vec<f64> = all.iter().map(|p| p.1).filter(|&v| finite(v)).collect();
    if xs.is_empty() || ys.is_empty() {
        return Err(format!("{title}: nothing to plot"));
    }
    let (x0, x1) = bounds(&xs);
    let (y0, y1) = bounds(&ys);
    let root = SVGBackend::new(path, (860, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut builder = ChartBuilder::on(&root);
    builder
        .caption(title, ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(70);
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart
                .configure_mesh()
                .x_desc(x_desc)
                .y_desc(y_desc)
                .x_label_formatter(&|v| label(*v))
                .y_label_formatter(&|v| label(*v))
                .draw()
                .map_err(err)?;
            for line in lines {
                let color = line.color;
                let pts: Vec<(f64, f64)> = line
                    .points
                    .iter()
                    .copied()
                    .filter(|p| finite(p.0) && finite(p.1))
                    .collect();
                chart
                    .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                    .map_err(err)?
                    .label(line.label)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
                if pts.len() <= 60 {
                    chart
                        .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
                        .map_err(err)?;
                }
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()
                .map_err(err)?;
        }};
    }
    if log {
        let x = (x0 * 0.8)..(x1 * 1.25);
        let y = (y0 * 0.5)..(y1 * 2.0);
        draw!(builder
            .build_cartesian_2d(x.log_scale(), y.log_scale())
            .map_err(err)?);
    } else {
        let pad = ((y1 - y0) * 0.1).max(y1.abs() * 0.05).max(1e-9);
        // From zero when all values are positive, so a change is shown at its true size.
        let y = if y0 >= 0.0 {
            0.0..(y1 + pad)
        } else {
            (y0 - pad)..(y1 + pad)
        };
        draw!(builder
            .build_cartesian_2d(x0..x1.max(x0 + 1e-9), y)
            .map_err(err)?);
    }
    root.present().map_err(err)
}

/// An axis label: no decimals for whole or large numbers, a few for small ones.
fn label(v: f64) -> String {
    if v.abs() >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn bounds(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_an_svg() {
        let dir = std::env::temp_dir().join(format!("bench-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.svg");
        let lines = [
            Line {
                label: "p50",
                color: COLORS[0],
                points: vec![(500.0, 0.5), (1000.0, 0.9), (10_000.0, 40.0)],
            },
            Line {
                label: "p99",
                color: COLORS[1],
                points: vec![(500.0, 2.0), (1000.0, 3.0), (10_000.0, 900.0)],
            },
        ];
        chart(&path, "poll latency", ("agents", "ms"), &lines, true).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.contains("<svg") && svg.contains("poll latency") && svg.contains("p99"));
        chart(&path, "rss", ("s", "MiB"), &lines[..1], false).unwrap();
        assert!(chart(&path, "empty", ("x", "y"), &[], false).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
