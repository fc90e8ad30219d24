//! A compiled design as one self-contained HTML page: summary, and SVG charts of each engine's interval against
//! the pipeline's, resource use against the device's budget, on-chip versus streamed weights per layer, and a
//! roofline. No scripts, fonts or files beside it: the page opens anywhere and diffs cleanly (same design, same
//! bytes).

use std::fmt::Write;

/// One compute engine's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineRow {
    /// The engine's name (its layer).
    pub name: String,
    /// What kind of engine it is (Convolution, ReLU, ...).
    pub kind: String,
    /// Cycles per frame at its own pace.
    pub interval: f64,
    /// Weight-memory blocks kept on chip (BRAM18 or URAM), refill buffer included.
    pub onchip_blocks: u32,
    /// Weight-memory blocks streamed from DRAM.
    pub streamed_blocks: u32,
}

/// One resource's use against the device's budget.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceRow {
    /// The resource's name (LUT, FF, DSP, BRAM18, URAM, DRAM Gb/s).
    pub name: String,
    /// How much the design uses.
    pub used: f64,
    /// How much the device has.
    pub available: f64,
}

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportPage {
    /// The page title (network and device).
    pub title: String,
    /// Lines of the summary: throughput, latency, II, binding resource, ...
    pub summary: Vec<(String, String)>,
    /// The search's explanation, as preformatted text.
    pub explanation: String,
    /// The pipeline's initiation interval, cycles per frame.
    pub interval: f64,
    /// The engines, in pipeline order.
    pub engines: Vec<EngineRow>,
    /// The resources.
    pub resources: Vec<ResourceRow>,
    /// Operations per frame (a multiply-accumulate is two).
    pub operations_per_frame: f64,
    /// DRAM bytes moved per frame (feature maps in and out, streamed weights).
    pub dram_bytes_per_frame: f64,
    /// Frames per second.
    pub throughput_fps: f64,
    /// The device's peak arithmetic, operations per second.
    pub peak_operations_per_s: f64,
    /// The device's DRAM bandwidth, bytes per second.
    pub dram_bytes_per_s: f64,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}\
table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}\
h2{margin-top:1.6em;border-bottom:1px solid #ccc}pre{background:#f6f6f6;padding:1em;overflow-x:auto}\
svg text{font-size:11px;font-family:sans-serif}";

/// Horizontal bars, one per row, against an optional reference line; values on a linear scale.
fn bar_chart(rows: &[(String, Vec<(f64, &str)>)], reference: Option<(f64, &str)>, unit: &str) -> String {
    let label_width = 190.0;
    let bar_space = 640.0;
    let row_height = 14.0;
    let height = rows.len() as f64 * row_height + 40.0;
    let largest = rows
        .iter()
        .map(|(_, parts)| parts.iter().map(|(value, _)| value).sum::<f64>())
        .chain(reference.map(|(value, _)| value))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let scale = bar_space / largest;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height:.0}\">",
        label_width + bar_space + 90.0
    );
    for (index, (label, parts)) in rows.iter().enumerate() {
        let y = 10.0 + index as f64 * row_height;
        let _ = write!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_width - 6.0,
            y + 10.0,
            escape(label)
        );
        let mut x = label_width;
        for (value, colour) in parts {
            let width = value * scale;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{:.1}\" fill=\"{colour}\"/>",
                row_height - 3.0
            );
            x += width;
        }
        let total: f64 = parts.iter().map(|(value, _)| value).sum();
        let _ = write!(svg, "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>", x + 4.0, y + 10.0, format_number(total));
    }
    if let Some((value, label)) = reference {
        let x = label_width + value * scale;
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"4\" x2=\"{x:.1}\" y2=\"{:.0}\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{:.1}\" y=\"{:.0}\" fill=\"#c00\">{} {}</text>",
            height - 22.0,
            x + 3.0,
            height - 8.0,
            escape(label),
            format_number(value)
        );
    }
    let _ = write!(svg, "<text x=\"{label_width:.0}\" y=\"{:.0}\">{}</text></svg>", height - 8.0, escape(unit));
    svg
}

fn format_number(value: f64) -> String {
    if value.abs() >= 1e6 {
        format!("{:.2}M", value / 1e6)
    } else if value.abs() >= 1e4 {
        format!("{:.1}k", value / 1e3)
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// The roofline: attainable performance against operational intensity on log scales, with the design's point.
fn roofline(page: &ReportPage) -> String {
    let (width, height, margin) = (640.0_f64, 320.0_f64, 50.0_f64);
    let intensity = page.operations_per_frame / page.dram_bytes_per_frame.max(1.0);
    let achieved = page.operations_per_frame * page.throughput_fps;
    let ridge = page.peak_operations_per_s / page.dram_bytes_per_s.max(1.0);
    let (x_min, x_max) =
        ((intensity.min(ridge) / 10.0).max(1e-3).log10().floor(), (intensity.max(ridge) * 10.0).log10().ceil());
    let y_max = page.peak_operations_per_s.max(achieved).log10().ceil() + 0.3;
    let y_min = (achieved.min(page.dram_bytes_per_s * 10f64.powf(x_min)) / 10.0).max(1.0).log10().floor();
    let px = |x: f64| margin + (x.log10() - x_min) / (x_max - x_min) * (width - 2.0 * margin);
    let py = |y: f64| height - margin - (y.max(1.0).log10() - y_min) / (y_max - y_min) * (height - 2.0 * margin);
    let left = 10f64.powf(x_min);
    let right = 10f64.powf(x_max);
    let mut svg = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\">");
    let _ = write!(
        svg,
        "<line x1=\"{margin}\" y1=\"{:.0}\" x2=\"{:.0}\" y2=\"{:.0}\" stroke=\"#888\"/>\
         <line x1=\"{margin}\" y1=\"{margin}\" x2=\"{margin}\" y2=\"{:.0}\" stroke=\"#888\"/>",
        height - margin,
        width - margin,
        height - margin,
        height - margin
    );
    let _ = write!(
        svg,
        "<polyline fill=\"none\" stroke=\"#1f6fb2\" stroke-width=\"2\" points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\"/>",
        px(left),
        py(page.dram_bytes_per_s * left),
        px(ridge),
        py(page.peak_operations_per_s),
        px(right),
        py(page.peak_operations_per_s)
    );
    let _ = write!(
        svg,
        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"#c00\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#c00\">design: {} GOP/s at {:.1} op/B</text>",
        px(intensity),
        py(achieved),
        px(intensity) + 8.0,
        py(achieved) - 6.0,
        format_number(achieved / 1e9),
        intensity
    );
    let _ = write!(
        svg,
        "<text x=\"{:.0}\" y=\"{:.0}\">peak {} GOP/s, DRAM {} GB/s</text>\
         <text x=\"{margin}\" y=\"{:.0}\">operational intensity (operations per DRAM byte, log scale)</text>\
         <text x=\"6\" y=\"{:.0}\">op/s (log)</text></svg>",
        width - 260.0,
        margin - 10.0,
        format_number(page.peak_operations_per_s / 1e9),
        format_number(page.dram_bytes_per_s / 1e9),
        height - 12.0,
        margin - 20.0
    );
    svg
}

/// Renders the page.
pub fn render(page: &ReportPage) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n<table>",
        escape(&page.title),
        escape(&page.title)
    );
    for (key, value) in &page.summary {
        let _ = write!(html, "<tr><th>{}</th><td>{}</td></tr>", escape(key), escape(value));
    }
    html.push_str("</table>\n");
    if !page.explanation.is_empty() {
        let _ = writeln!(html, "<h2>Why this design</h2><pre>{}</pre>", escape(&page.explanation));
    }
    let intervals: Vec<(String, Vec<(f64, &str)>)> =
        page.engines.iter().map(|engine| (engine.name.clone(), vec![(engine.interval, "#1f6fb2")])).collect();
    let _ = writeln!(
        html,
        "<h2>Engine intervals</h2><p>Cycles per frame of each engine at its own pace; the slowest sets the pipeline's \
         initiation interval (dashed).</p>{}",
        bar_chart(&intervals, Some((page.interval, "II")), "cycles per frame")
    );
    let resources: Vec<(String, Vec<(f64, &str)>)> = page
        .resources
        .iter()
        .map(|row| {
            let share = if row.available > 0.0 { 100.0 * row.used / row.available } else { 0.0 };
            let colour = if share > 100.0 { "#c00" } else { "#2a8a3e" };
            (
                format!("{} ({} of {})", row.name, format_number(row.used), format_number(row.available)),
                vec![(share, colour)],
            )
        })
        .collect();
    let _ = writeln!(
        html,
        "<h2>Resources</h2><p>Use against the device's budget (100% dashed).</p>{}",
        bar_chart(&resources, Some((100.0, "budget %")), "percent of the device")
    );
    let weights: Vec<(String, Vec<(f64, &str)>)> = page
        .engines
        .iter()
        .filter(|engine| engine.onchip_blocks + engine.streamed_blocks > 0)
        .map(|engine| {
            (
                engine.name.clone(),
                vec![(f64::from(engine.onchip_blocks), "#2a8a3e"), (f64::from(engine.streamed_blocks), "#e08a00")],
            )
        })
        .collect();
    let _ = writeln!(
        html,
        "<h2>Weights: on chip and streamed</h2><p>Weight-memory blocks per layer kept on chip (green) and streamed \
         from DRAM every inference (orange).</p>{}",
        bar_chart(&weights, None, "RAM blocks")
    );
    let _ = write!(html, "<h2>Roofline</h2>{}\n</body></html>\n", roofline(page));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> ReportPage {
        ReportPage {
            title: "net <on> device".into(),
            summary: vec![("throughput".into(), "100 FPS".into())],
            explanation: "BRAM binds".into(),
            interval: 1000.0,
            engines: vec![
                EngineRow {
                    name: "conv1".into(),
                    kind: "Convolution".into(),
                    interval: 1000.0,
                    onchip_blocks: 10,
                    streamed_blocks: 5,
                },
                EngineRow {
                    name: "relu".into(),
                    kind: "ReLU".into(),
                    interval: 200.0,
                    onchip_blocks: 0,
                    streamed_blocks: 0,
                },
            ],
            resources: vec![ResourceRow { name: "LUT".into(), used: 50.0, available: 100.0 }],
            operations_per_frame: 2e9,
            dram_bytes_per_frame: 1e7,
            throughput_fps: 100.0,
            peak_operations_per_s: 1e12,
            dram_bytes_per_s: 1.9e10,
        }
    }

    #[test]
    fn the_page_is_self_contained_and_escaped() {
        let html = render(&page());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("net &lt;on&gt; device"));
        assert!(!html.contains("<script"));
        assert_eq!(html.matches("<svg").count(), 4);
        assert!(html.contains(">conv1</text>"));
        // The relu has no weights, so it is not in the weight chart: three bars in all for conv1 (interval, on chip,
        // streamed) and one for relu.
        assert_eq!(html.matches(">relu</text>").count(), 1);
    }

    #[test]
    fn the_same_page_renders_the_same_bytes() {
        assert_eq!(render(&page()), render(&page()));
    }
}
