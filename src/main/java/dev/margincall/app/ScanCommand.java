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
            for (int i = 0; i < keeper.protocols().size(); i++) {
                if (!keeper.protocols().get(i).isAaveV3()) {
                    throw new dev.margincall.app.config.ConfigException("protocols[" + i + "].type", List.of("scan reads aave-v3 markets only for now; "
                            + "remove the " + keeper.protocols().get(i).type() + " entry to scan the others"));
                }
            }
            for (KeeperConfig.Protocol protocol : keeper.protocols()) {
                rows.addAll(new AaveV3Scanner(rpc, keeper.chain().multicall3(), registry)
                        .scan(protocol.poolAddressesProvider(), protocol.marketName(), protocol.startBlock(), keeper.chain().confirmations(),
                                new InMemoryCheckpointStore(), head));
            }
            rows.sort(Comparator.comparing(ScanRow::healthFactor));
            if (json) {
                for (ScanRow row : rows) {
                    out.println(jsonLine(row));
                }
            } else {
                Table table = new Table("protocol", "market", "account", "health factor", "collateral", "debt", "safety margin", "liquidatable");
                rows.forEach(r -> table.row(r.protocol(), r.market(), r.account(), Display.healthFactor(r.healthFactor()), Display.usd(r.totalCollateralBase()),
                        Display.usd(r.totalDebtBase()), String.format("%.2f%%", r.safetyMarginPct()), r.liquidatable() ? "yes" : "no"));
                out.printf("%d accounts with a position at block %d, %d liquidatable%n", rows.size(), head.number(),
                        rows.stream().filter(ScanRow::liquidatable).count());
                table.print(out);
            }
            out.flush();
        }
        return MarginCall.OK;
    }

    static String jsonLine(ScanRow row) {
        try {
            return JSON_LINE.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
