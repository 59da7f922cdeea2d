/**
 * The risk report as files and pages: {@code report.json} and a self-contained {@code report.html}
 * (inline CSS and SVG charts drawn by JFreeChart/JFreeSVG; no script, no network). Presentation only:
 * the figures come from {@link dev.margincall.risk}.
 */
package dev.margincall.report;
