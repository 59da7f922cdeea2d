package dev.margincall.report;

import dev.margincall.risk.Cascade;
import dev.margincall.risk.CascadeRound;
import dev.margincall.risk.CliffScenario;
import dev.margincall.risk.CliffStep;
import dev.margincall.risk.PriceHistogram;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's charts, built with JFreeChart and drawn to SVG markup by JFreeSVG: static vector
 * images that print sharply and need nothing at view time. Each chart gets its own prefix for the
 * SVG's clip-path ids, so several can live in one page.
 */
final class ReportCharts {

    static final int WIDTH = 900;
    static final int HEIGHT = 420;
    private static final Color[] SERIES = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0x17becf)};

    static {
        // drawing to SVG needs no display; a server without one must not try to open it
        System.setProperty("java.awt.headless", "true");
    }

    private int charts;

    /** Cumulative liquidatable debt (USD) against the fall (%), one line per scenario. */
    String cliff(String title, List<CliffScenario> scenarios) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (CliffScenario scenario : scenarios) {
            XYSeries series = new XYSeries(scenario.kind().equals("correlated") ? "all non-stable together" : scenario.name());
            for (CliffStep step : scenario.steps()) {
                series.add(step.dropPct(), step.cumulative().debtUsd());
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "price fall (%)", "liquidatable debt (USD)", data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < scenarios.size(); i++) {
            renderer.setSeriesPaint(i, SERIES[i % SERIES.length]);
            renderer.setSeriesStroke(i, new BasicStroke(scenarios.get(i).kind().equals("correlated") ? 3f : 2f));
        }
        plot.setRenderer(renderer);
        usdAxis(plot);
        return svg(chart);
    }

    /** Collateral (USD) whose liquidation price lies in each price bin, for one asset. */
    String histogram(String title, PriceHistogram histogram) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries series = new XYSeries(histogram.symbol() + " collateral liquidated at that price");
        for (PriceHistogram.Bin bin : histogram.bins()) {
            series.add((bin.fromUsd() + bin.toUsd()) / 2, bin.collateralUsd());
        }
        data.addSeries(series);
        data.setIntervalWidth(histogram.currentPriceUsd() * histogram.binBps() / 10_000.0);
        JFreeChart chart = ChartFactory.createXYBarChart(title, histogram.symbol() + " price (USD)", false, "collateral (USD)", data,
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = style(chart);
        XYBarRenderer renderer = (XYBarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, SERIES[1]);
        usdAxis(plot);
        return svg(chart);
    }

    /** The oracle price, round by round, of each cascade (one line per initial fall). */
    String cascades(String title, List<Cascade> cascades) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Cascade cascade : cascades) {
            XYSeries series = new XYSeries(cascade.symbol() + " −" + cascade.initialDropPct() + " %");
            for (CascadeRound round : cascade.rounds()) {
                series.add(round.round(), round.oraclePriceUsd());
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "round", "oracle price (USD)", data, PlotOrientation.VERTICAL, true, false,
                false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < cascades.size(); i++) {
            renderer.setSeriesPaint(i, SERIES[i % SERIES.length]);
        }
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return svg(chart);
    }

    private static XYPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        return plot;
    }

    private static void usdAxis(XYPlot plot) {
        NumberFormat usd = NumberFormat.getCurrencyInstance(Locale.US);
        usd.setMaximumFractionDigits(0);
        ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(usd);
    }

    private String svg(JFreeChart chart) {
        SVGGraphics2D graphics = new SVGGraphics2D(WIDTH, HEIGHT);
        graphics.setDefsKeyPrefix("chart" + (++charts) + "-");
        chart.draw(graphics, new Rectangle(WIDTH, HEIGHT));
        return graphics.getSVGElement("chart-" + charts);
    }
}
