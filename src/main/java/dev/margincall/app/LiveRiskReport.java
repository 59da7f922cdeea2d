package dev.margincall.app;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.core.BlockRef;
import dev.margincall.observability.MetricNames;
import dev.margincall.observability.Pages;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.report.ReportFiles;
import dev.margincall.report.ReportPage;
import dev.margincall.risk.CliffScenario;
import dev.margincall.risk.CliffStep;
import dev.margincall.risk.MarketRisk;
import dev.margincall.risk.ReportSettings;
import dev.margincall.risk.RiskModel;
import dev.margincall.risk.RiskReport;
import dev.margincall.risk.Venue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The risk report of a running keeper, served at /report and /report.json and summed up in gauges.
 * On the head thread, at most every {@code everyBlocks} blocks, each market's book is copied into a
 * snapshot (the head thread is the book's only writer, so the copy is consistent); the analysis runs on
 * a thread of its own, one at a time (a head that comes while one runs is skipped), and never touches
 * the live book.
 */
final class LiveRiskReport implements HeadListener, Pages, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveRiskReport.class);
    /** The falls the gauges show, in basis points. */
    static final int[] GAUGE_DROPS_BPS = {500, 1_000, 2_000, 3_000};

    private final List<LendingMarket> markets;
    private final ReportSettings settings;
    private final int everyBlocks;
    private final Function<RiskSnapshot, List<Venue>> venues;
    private final MeterRegistry registry;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("risk-report").daemon(true).factory());
    private final AtomicBoolean computing = new AtomicBoolean();
    private final Map<String, Double> gauges = new ConcurrentHashMap<>();
    private volatile long nextBlock = -1;
    /** The latest report's page and JSON, published together. */
    private record Published(Page html, Page json) {
    }

    private volatile Published published;

    /** @param venues the pools each market's seized collateral is sold into (read off the head thread, at the snapshot's block) */
    LiveRiskReport(List<LendingMarket> markets, ReportSettings settings, int everyBlocks, Function<RiskSnapshot, List<Venue>> venues,
                   MeterRegistry registry) {
        this.markets = List.copyOf(markets);
        this.settings = settings;
        this.everyBlocks = everyBlocks;
        this.venues = venues;
        this.registry = registry;
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
    }

    @Override
    public void onBlock(BlockHeader header) {
    }

    @Override
    public void onHead(BlockHeader head) {
        if (head.number() < nextBlock || !computing.compareAndSet(false, true)) {
            return;
        }
        List<RiskSnapshot> snapshots;
        try {
            snapshots = markets.stream().map(LendingMarket::riskSnapshot).toList();
        } catch (RuntimeException e) {
            computing.set(false);
            log.warn("risk report: no snapshot at block {}: {}", head.number(), e.getMessage());
            nextBlock = head.number() + everyBlocks;
            return;
        }
        nextBlock = head.number() + everyBlocks;
        try {
            worker.execute(() -> analyse(head, snapshots));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            computing.set(false); // closing
        }
    }

    private void analyse(BlockHeader head, List<RiskSnapshot> snapshots) {
        try {
            List<MarketRisk> risks = new ArrayList<>();
            for (RiskSnapshot snapshot : snapshots) {
                risks.add(RiskModel.analyse(snapshot, settings, venuesOf(snapshot)));
            }
            RiskReport report = RiskModel.report(risks, settings);
            published = new Published(new Page("text/html; charset=utf-8", ReportPage.render(report).getBytes(StandardCharsets.UTF_8)),
                    new Page("application/json", ReportFiles.json(report).getBytes(StandardCharsets.UTF_8)));
            risks.forEach(this::publish);
        } catch (RuntimeException e) {
            log.warn("risk report at block {} failed: {}", head.number(), e.toString());
        } finally {
            computing.set(false);
        }
    }

    private List<Venue> venuesOf(RiskSnapshot snapshot) {
        try {
            return venues.apply(snapshot);
        } catch (RuntimeException e) {
            log.warn("risk report: no pools for the cascade ({}); the report goes without it", e.getMessage());
            return List.of();
        }
    }

    /** The gauges of one market: registered the first time a (market, scenario, drop) appears, read from the latest figures. */
    private void publish(MarketRisk risk) {
        gauge(MetricNames.REPORT_BLOCK, risk, "", "", risk.block());
        for (CliffScenario scenario : risk.scenarios()) {
            String asset = scenario.kind().equals("correlated") ? "correlated" : scenario.name();
            for (int bps : GAUGE_DROPS_BPS) {
                Optional<CliffStep> step = scenario.steps().stream().filter(s -> s.dropBps() == bps).findFirst();
                if (step.isPresent()) {
                    String drop = Integer.toString(bps / 100);
                    gauge(MetricNames.CLIFF_DEBT_USD, risk, asset, drop, step.get().cumulative().debtUsd());
                    gauge(MetricNames.CLIFF_ACCOUNTS, risk, asset, drop, step.get().cumulative().accounts());
                }
            }
        }
    }

    private void gauge(String name, MarketRisk risk, String asset, String drop, double value) {
        String key = String.join("\u0000", name, risk.protocol(), risk.market(), asset, drop);
        if (gauges.put(key, value) == null) {
            Gauge.Builder<Map<String, Double>> builder = Gauge.builder(name, gauges, g -> g.getOrDefault(key, Double.NaN))
                    .tag("protocol", risk.protocol()).tag("market", risk.market());
            if (!asset.isEmpty()) {
                builder.tag("asset", asset).tag("drop", drop);
            }
            builder.register(registry);
        }
    }

    @Override
    public boolean serves(String path) {
        return path.equals("/report") || path.equals("/report.json");
    }

    @Override
    public Optional<Page> page(String path) {
        Published latest = published;
        return latest == null ? Optional.empty() : Optional.of(path.equals("/report") ? latest.html() : latest.json());
    }

    @Override
    public String notYet(String path) {
        return "the risk report is computed once the keeper has handled its first head, then every " + everyBlocks + " blocks\n";
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
