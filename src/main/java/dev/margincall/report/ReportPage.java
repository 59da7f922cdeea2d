package dev.margincall.report;

import dev.margincall.risk.AssetInfo;
import dev.margincall.risk.Cascade;
import dev.margincall.risk.CascadeRound;
import dev.margincall.risk.CliffScenario;
import dev.margincall.risk.CliffStep;
import dev.margincall.risk.MarketRisk;
import dev.margincall.risk.NearAccount;
import dev.margincall.risk.PriceHistogram;
import dev.margincall.risk.RiskReport;
import dev.margincall.risk.Totals;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code report.html}: one page, self-contained (inline CSS and SVG, no script; its Content-Security-Policy
 * forbids every fetch), readable offline and printable. Table cells carry the JSON's exact figure in
 * {@code data-value} and its path in {@code data-field}, so a reader (or a test) can tie a cell to {@code report.json}.
 */
public final class ReportPage {

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
            h1{font-size:1.6em}h2{border-bottom:2px solid #444;padding-bottom:.2em;margin-top:2em}h3{margin-top:1.6em}
            table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.85em}th,td{border:1px solid #ccc;padding:.25em .5em}td{white-space:nowrap}
            th{background:#f2f2f2;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
            figure{margin:1em 0;page-break-inside:avoid}figure svg{max-width:100%;height:auto}figcaption{font-size:.85em;color:#555}
            .note{font-size:.85em;color:#444}.muted{color:#777}
            @media print{body{margin:0;max-width:none}h2{page-break-before:always}table{page-break-inside:auto}tr{page-break-inside:avoid}}
            """;

    private ReportPage() {
    }

    public static String render(RiskReport report) {
        ReportCharts charts = new ReportCharts();
        StringBuilder html = new StringBuilder(1 << 20);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Margin Call — liquidation cliff and cascade report</title><style>").append(STYLE).append("</style></head><body>\n");
        html.append("<h1>Liquidation cliff and cascade report</h1>\n");
        html.append("<p class=\"note\">Margin Call, report schema ").append(report.schemaVersion()).append(". Price falls from −")
                .append(report.settings().dropsBps().get(0) / 100.0).append(" % to −")
                .append(report.settings().dropsBps().get(report.settings().dropsBps().size() - 1) / 100.0).append(" % in ")
                .append(report.settings().dropsBps().size()).append(" steps. Figures in US dollars at the market's oracle prices.</p>\n");
        for (MarketRisk market : report.markets()) {
            market(html, market, charts);
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    private static void market(StringBuilder html, MarketRisk market, ReportCharts charts) {
        String name = Html.escape(market.protocol() + " · " + market.market());
        html.append("<section class=\"market\" data-market=\"").append(Html.escape(market.market())).append("\">\n");
        html.append("<h2>").append(name).append("</h2>\n");
        html.append("<p>Block ").append(market.block()).append(" (").append(Instant.ofEpochSecond(market.timestamp())).append(").</p>\n");
        html.append("<table data-table=\"summary\"><tbody>");
        row(html, "accounts with a position", "accounts", Long.toString(market.accounts()), Html.count(market.accounts()));
        row(html, "accounts with debt", "accountsWithDebt", Long.toString(market.accountsWithDebt()), Html.count(market.accountsWithDebt()));
        row(html, "total debt", "totalDebtValue", market.totalDebtValue().toString(), Html.usd(market.totalDebtUsd()));
        row(html, "liquidatable now", "liquidatableNow.accounts", Long.toString(market.liquidatableNow().accounts()),
                Html.count(market.liquidatableNow().accounts()));
        row(html, "their debt", "liquidatableNow.debtValue", market.liquidatableNow().debtValue().toString(),
                Html.usd(market.liquidatableNow().debtUsd()));
        html.append("</tbody></table>\n");

        html.append("<table data-table=\"assets\"><thead><tr><th>asset</th><th>price</th><th>stable</th></tr></thead><tbody>");
        for (AssetInfo asset : market.assets()) {
            html.append("<tr><td>").append(Html.escape(asset.symbol())).append("</td>");
            cell(html, "price", asset.price().toString(), Html.usd(asset.priceUsd()));
            html.append("<td>").append(asset.stable() ? "yes" : "no").append("</td></tr>");
        }
        html.append("</tbody></table>\n");

        if (!market.scenarios().isEmpty()) {
            html.append("<h3>Liquidation cliff</h3>\n<figure class=\"chart\" data-chart=\"cliff\">")
                    .append(charts.cliff("Liquidatable debt as prices fall — " + market.market(), market.scenarios()))
                    .append("<figcaption>Debt of all accounts liquidatable after each price falls by the percentage on the x axis, ")
                    .append("the other prices unchanged (one line per collateral asset), and with every non-stable collateral falling together.")
                    .append("</figcaption></figure>\n");
            for (CliffScenario scenario : market.scenarios()) {
                cliffTable(html, scenario);
            }
        }

        html.append("<h3>Nearest accounts</h3>\n<table data-table=\"nearest\"><thead><tr><th>account</th><th>health factor</th><th>debt</th>")
                .append("<th>collateral</th><th>safety margin</th><th>liquidation prices</th></tr></thead><tbody>");
        for (NearAccount account : market.nearest()) {
            html.append("<tr data-account=\"").append(account.account()).append("\"><td><code>").append(account.account()).append("</code></td>");
            cell(html, "healthFactor", account.healthFactor().toString(), String.format(java.util.Locale.US, "%.4f", account.healthFactorDisplay()));
            cell(html, "debtValue", account.debtValue().toString(), Html.usd(account.debtUsd()));
            cell(html, "collateralValue", account.collateralValue().toString(), Html.usd(account.collateralUsd()));
            cell(html, "safetyMarginPct", Double.toString(account.safetyMarginPct()), Html.pct(account.safetyMarginPct()));
            html.append("<td>").append(account.liquidationPrices().stream()
                    .map(p -> Html.escape(p.symbol()) + " " + (p.dropPct() >= 100 ? "none" : Html.usd(p.priceUsd()) + " (−" + Html.pct(p.dropPct()) + ")"))
                    .collect(Collectors.joining("<br>"))).append("</td></tr>");
        }
        html.append("</tbody></table>\n");

        List<PriceHistogram> histograms = market.liquidationPrices().stream()
                .filter(h -> h.bins().stream().anyMatch(b -> b.accounts() > 0)).toList();
        if (!histograms.isEmpty()) {
            html.append("<h3>Liquidation prices</h3>\n");
            for (PriceHistogram histogram : histograms) {
                html.append("<figure class=\"chart\" data-chart=\"histogram\" data-asset=\"").append(Html.escape(histogram.symbol())).append("\">")
                        .append(charts.histogram("Where " + histogram.symbol() + " collateral gets liquidated — " + market.market(), histogram))
                        .append("<figcaption>Collateral in ").append(Html.escape(histogram.symbol()))
                        .append(" (USD at today's price) of accounts that one fall of this price alone would liquidate, by the price at which")
                        .append(" it happens; bins of ").append(histogram.binBps() / 100.0).append(" % of the current price (")
                        .append(Html.usd(histogram.currentPriceUsd())).append(").</figcaption></figure>\n");
            }
        }

        if (!market.cascades().isEmpty()) {
            html.append("<h3>Cascade estimate</h3>\n<figure class=\"chart\" data-chart=\"cascade\">")
                    .append(charts.cascades("Oracle price, round by round — " + market.market(), market.cascades()))
                    .append("<figcaption>Each line starts at an initial fall; liquidators sell the collateral they seize into the pool, ")
                    .append("whose price the oracle follows; rounds until nothing more is liquidated.</figcaption></figure>\n");
            for (Cascade cascade : market.cascades()) {
                cascadeTable(html, cascade);
            }
        }
        html.append("<h3>Assumptions</h3><ul class=\"note\">");
        market.notes().forEach(n -> html.append("<li>").append(Html.escape(n)).append("</li>"));
        html.append("</ul>\n</section>\n");
    }

    private static void cliffTable(StringBuilder html, CliffScenario scenario) {
        String title = scenario.kind().equals("correlated") ? "All non-stable collateral (" + String.join(", ", scenario.assets()) + ") falling together"
                : scenario.name() + " falling alone";
        html.append("<h4>").append(Html.escape(title)).append("</h4>\n<table data-table=\"cliff\" data-scenario=\"").append(Html.escape(scenario.name()))
                .append("\"><thead><tr><th>fall</th><th>newly liquidatable</th><th>their debt</th><th>liquidatable</th><th>debt</th>")
                .append("<th>collateral</th><th>repayable</th><th>bonus</th><th>bad-debt accounts</th><th>bad debt</th></tr></thead><tbody>");
        for (CliffStep step : scenario.steps()) {
            Totals newly = step.newly();
            Totals all = step.cumulative();
            html.append("<tr data-drop-bps=\"").append(step.dropBps()).append("\"><td>−").append(Html.pct(step.dropPct())).append("</td>");
            cell(html, "newly.accounts", Long.toString(newly.accounts()), Html.count(newly.accounts()));
            cell(html, "newly.debtValue", newly.debtValue().toString(), Html.usd(newly.debtUsd()));
            cell(html, "cumulative.accounts", Long.toString(all.accounts()), Html.count(all.accounts()));
            cell(html, "cumulative.debtValue", all.debtValue().toString(), Html.usd(all.debtUsd()));
            cell(html, "cumulative.collateralValue", all.collateralValue().toString(), Html.usd(all.collateralUsd()));
            cell(html, "cumulative.repayableValue", all.repayableValue().toString(), Html.usd(all.repayableUsd()));
            cell(html, "cumulative.bonusValue", all.bonusValue().toString(), Html.usd(all.bonusUsd()));
            cell(html, "cumulative.badDebtAccounts", Long.toString(all.badDebtAccounts()), Html.count(all.badDebtAccounts()));
            cell(html, "cumulative.badDebtValue", all.badDebtValue().toString(), Html.usd(all.badDebtUsd()));
            html.append("</tr>");
        }
        html.append("</tbody></table>\n");
    }

    private static void cascadeTable(StringBuilder html, Cascade cascade) {
        html.append("<h4>").append(Html.escape(cascade.symbol())).append(" −").append(cascade.initialDropPct()).append(" %, sold into ")
                .append(Html.escape(cascade.venue())).append(": final fall −").append(cascade.finalDropPct()).append(" %, amplification ")
                .append(cascade.amplification()).append(cascade.settled() ? "" : " (not settled within the round bound)").append("</h4>\n");
        html.append("<table data-table=\"cascade\" data-asset=\"").append(Html.escape(cascade.symbol())).append("\" data-initial-drop=\"")
                .append(cascade.initialDropPct()).append("\"><thead><tr><th>round</th><th>oracle price</th><th>fall</th><th>newly liquidatable</th>")
                .append("<th>their debt</th><th>repaid</th><th>seized</th><th>pool price after</th><th>impact</th><th>bad debt</th></tr></thead><tbody>");
        for (CascadeRound round : cascade.rounds()) {
            html.append("<tr data-round=\"").append(round.round()).append("\"><td>").append(round.round()).append("</td>");
            cell(html, "oraclePrice", round.oraclePrice().toString(), Html.usd(round.oraclePriceUsd()));
            cell(html, "dropPct", Double.toString(round.dropPct()), "−" + Html.pct(round.dropPct()));
            cell(html, "newlyLiquidatable", Long.toString(round.newlyLiquidatable()), Html.count(round.newlyLiquidatable()));
            cell(html, "debtValue", round.debtValue().toString(), Html.usd(round.debtUsd()));
            cell(html, "repaidValue", round.repaidValue().toString(), Html.usd(round.repaidUsd()));
            cell(html, "seizedValue", round.seizedValue().toString(), Html.usd(round.seizedUsd()));
            cell(html, "poolPriceAfter", round.poolPriceAfter().toString(), Html.usd(round.poolPriceAfterUsd()));
            cell(html, "impactPct", Double.toString(round.impactPct()), Html.pct(round.impactPct()));
            cell(html, "cumulativeBadDebtValue", round.cumulativeBadDebtValue().toString(), Html.usd(round.cumulativeBadDebtUsd()));
            html.append("</tr>");
        }
        html.append("</tbody></table>\n");
    }

    private static void row(StringBuilder html, String label, String field, String value, String display) {
        html.append("<tr><th>").append(Html.escape(label)).append("</th>");
        cell(html, field, value, display);
        html.append("</tr>");
    }

    private static void cell(StringBuilder html, String field, String value, String display) {
        html.append("<td class=\"n\" data-field=\"").append(field).append("\" data-value=\"").append(Html.escape(value)).append("\">")
                .append(Html.escape(display)).append("</td>");
    }
}
