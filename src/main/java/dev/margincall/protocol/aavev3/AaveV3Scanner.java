package dev.margincall.protocol.aavev3;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.logs.CheckpointStore;
import dev.margincall.chain.logs.LogQuery;
import dev.margincall.chain.logs.LogStream;
import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.AccountBreakdown;
import dev.margincall.protocol.aavev3.model.AccountEvaluator;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.Reserve;
import dev.margincall.protocol.aavev3.model.SafetyMargin;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over an Aave V3 market: backfill its events to find every account, read the market, prices
 * and positions at the head, evaluate each account locally. What {@code scan} prints.
 */
public final class AaveV3Scanner {

    public static final String PROTOCOL = "aave-v3";
    private static final Logger log = LoggerFactory.getLogger(AaveV3Scanner.class);

    private final EthRpc rpc;
    private final AaveV3Reader reader;
    private final MeterRegistry registry;

    public AaveV3Scanner(EthRpc rpc, Address multicall3, MeterRegistry registry) {
        this.rpc = rpc;
        this.reader = new AaveV3Reader(rpc, multicall3);
        this.registry = registry;
    }

    public List<ScanRow> scan(Address addressesProvider, long startBlock, int confirmations, CheckpointStore checkpoints, BlockHeader head) {
        BlockTag tag = BlockTag.number(head.number());
        AaveV3Contracts contracts = reader.discover(addressesProvider, tag);
        Market market = reader.loadMarket(contracts, tag);

        List<Address> watched = new ArrayList<>(List.of(contracts.pool()));
        market.reservesById().stream().filter(Objects::nonNull).map(Reserve::aToken).forEach(watched::add);
        AccountSet accounts = new AccountSet(contracts.pool());
        LogStream stream = new LogStream(rpc, new LogQuery(watched, AaveV3Events.topics()), checkpoints, accounts,
                new LogStream.Settings(startBlock, confirmations, 2_000, 2_000, 10_000), registry);
        stream.start();
        stream.advanceTo(head);
        log.info("{}: {} accounts seen since block {}", PROTOCOL, accounts.all().size(), startBlock);

        Map<Address, BigInteger> prices = reader.loadPrices(contracts, market, tag);
        List<Position> positions = reader.loadPositions(contracts, market, accounts.all(), tag);
        List<ScanRow> rows = new ArrayList<>();
        for (Position position : positions) {
            if (position.isEmpty()) {
                continue;
            }
            AccountBreakdown breakdown = AccountEvaluator.breakdown(market, prices, position, head.timestamp());
            SafetyMargin margin = SafetyMargin.of(breakdown);
            rows.add(new ScanRow(PROTOCOL, position.account(), breakdown.totals().healthFactor(), breakdown.totals().totalCollateralBase(),
                    breakdown.totals().totalDebtBase(), breakdown.totals().liquidatable(), Math.round(margin.marginPct() * 100) / 100.0,
                    head.number()));
        }
        return rows;
    }
}
