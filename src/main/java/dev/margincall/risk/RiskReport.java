package dev.margincall.risk;

import java.util.List;

/** The whole report: what it was computed with and one entry per market. {@code schemaVersion} changes when a field changes meaning or goes. */
public record RiskReport(int schemaVersion, ReportSettings settings, List<MarketRisk> markets) {

    public static final int SCHEMA_VERSION = 1;

    public RiskReport {
        markets = List.copyOf(markets);
    }
}
