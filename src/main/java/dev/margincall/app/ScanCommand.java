package dev.margincall.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.ChainJson;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.logs.InMemoryCheckpointStore;
import dev.margincall.protocol.aavev3.AaveV3Scanner;
import dev.margincall.protocol.aavev3.ScanRow;
import dev.margincall.protocol.morphoblue.MorphoBlueMarket;
import dev.margincall.protocol.morphoblue.MorphoScanRow;
import dev.margincall.protocol.spi.MarketId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code margin-call scan}: backfill, evaluate once, print every account with a position. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Backfills the configured markets' events, evaluates every account once at the latest block",
                "with the protocol's exact math, and prints one line per account with a position:",
                "a table sorted by health factor, or JSON lines with --json."})
final class ScanCommand implements Callable<Integer> {

    private static final ObjectWriter JSON_LINE = ChainJson.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        KeeperConfig keeper = config.load();
        PrintWriter out = spec.commandLine().getOut();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ResilientEthRpc rpc = RpcClients.create(keeper.chain(), registry)) {
            BlockHeader head = StartupChecks.requireChain(rpc, keeper);
            List<ScanRow> rows = new ArrayList<>();
            List<MorphoScanRow> morphoRows = new ArrayList<>();
            for (KeeperConfig.Protocol protocol : keeper.protocols()) {
                if (protocol.morphoBlue().isPresent()) {
                    MorphoBlueMarket market = Markets.morphoBlue(new MarketId(protocol.type(), protocol.marketName()), protocol, keeper, rpc,
                            new InMemoryCheckpointStore(), registry);
                    market.start(head);
                    morphoRows.addAll(MorphoScanRow.of(market.monitor(), market.valuation().unitsPerUsd()));
                    continue;
                }
                rows.addAll(new AaveV3Scanner(rpc, keeper.chain().multicall3(), registry)
                        .scan(protocol.poolAddressesProvider(), protocol.marketName(), protocol.startBlock(), keeper.chain().confirmations(),
                                new InMemoryCheckpointStore(), head));
            }
            rows.sort(Comparator.comparing(ScanRow::healthFactor));
            if (json) {
                for (ScanRow row : rows) {
                    out.println(jsonLine(row));
                }
                for (MorphoScanRow row : morphoRows) {
                    out.println(jsonLine(row));
                }
            } else {
                Table table = new Table("protocol", "market", "account", "health factor", "collateral", "debt", "safety margin", "liquidatable");
                rows.forEach(r -> table.row(r.protocol(), r.market(), r.account(), Display.healthFactor(r.healthFactor()), Display.usd(r.totalCollateralBase()),
                        Display.usd(r.totalDebtBase()), String.format("%.2f%%", r.safetyMarginPct()), r.liquidatable() ? "yes" : "no"));
                // Morpho rows: its market id is long, so the table shows its first bytes; amounts in USD when priced, else in tokens
                morphoRows.forEach(r -> table.row(r.protocol(), r.market().substring(0, 10) + "…", r.account(), Display.healthFactor(r.healthFactor()),
                        r.collateralUsd() == null ? r.collateral() : "$" + r.collateralUsd(), r.debtUsd() == null ? r.debt() : "$" + r.debtUsd(),
                        String.format("%.2f%%", r.safetyMarginPct()), r.liquidatable() ? "yes" : "no"));
                long liquidatable = rows.stream().filter(ScanRow::liquidatable).count() + morphoRows.stream().filter(MorphoScanRow::liquidatable).count();
                out.printf("%d accounts with a position at block %d, %d liquidatable%n", rows.size() + morphoRows.size(), head.number(), liquidatable);
                table.print(out);
            }
            out.flush();
        }
        return MarginCall.OK;
    }

    static String jsonLine(Object row) {
        try {
            return JSON_LINE.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
