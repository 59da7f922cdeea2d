package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.logs.InMemoryCheckpointStore;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.uniswapv2.UniswapV2Pools;
import dev.margincall.risk.MarketRisk;
import dev.margincall.risk.ReportSettings;
import dev.margincall.risk.RiskModel;
import dev.margincall.risk.RiskReport;
import dev.margincall.risk.Venue;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The risk report of the configured markets at one block: each market read afresh (its own monitor,
 * its event checkpoint in memory), copied into a snapshot, and analysed with the pools of the router, if any.
 * What {@code report} writes and the demo ends with.
 */
final class RiskReports {

    private RiskReports() {
    }

    /** @param progress one line per market analysed */
    static RiskReport compute(KeeperConfig keeper, EthRpc rpc, BlockHeader head, ReportSettings settings, Optional<Address> router,
                              MeterRegistry registry, Consumer<String> progress) {
        BlockTag tag = BlockTag.number(head.number());
        List<MarketRisk> markets = new ArrayList<>();
        for (LendingMarket market : Markets.create(keeper, rpc, protocol -> new InMemoryCheckpointStore(), registry, head)) {
            market.start(head);
            RiskSnapshot snapshot = market.riskSnapshot();
            List<Venue> venues = router.map(r -> ReportVenues.of(snapshot,
                    UniswapV2Pools.discover(rpc, keeper.chain().multicall3(), r, market.assets(), Optional.empty(), tag).read(tag))).orElse(List.of());
            MarketRisk risk = RiskModel.analyse(snapshot, settings, venues);
            markets.add(risk);
            progress.accept(String.format(Locale.US, "%s: %d accounts with debt at block %d, %d liquidatable now; %s", market.id(),
                    risk.accountsWithDebt(), risk.block(), risk.liquidatableNow().accounts(), correlatedAt(risk, 1_000)));
        }
        return RiskModel.report(markets, settings);
    }

    private static String correlatedAt(MarketRisk risk, int bps) {
        return risk.scenarios().stream().filter(s -> s.kind().equals("correlated")).findFirst()
                .flatMap(s -> s.steps().stream().filter(step -> step.dropBps() == bps).findFirst())
                .map(step -> String.format(Locale.US, "at −%d %% of every non-stable collateral, %d accounts ($%,.2f of debt) are liquidatable",
                        bps / 100, step.cumulative().accounts(), step.cumulative().debtUsd()))
                .orElse("no correlated crash (fewer than two non-stable collateral assets)");
    }
}
