package dev.margincall.protocol.aavev3;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.logs.CheckpointStore;
import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.AaveV3Book;
import dev.margincall.protocol.aavev3.model.AccountBreakdown;
import dev.margincall.protocol.aavev3.model.SafetyMargin;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass over an Aave V3 market: the monitor's start (backfill its events to find every account, read
 * the market, prices and positions at the head, evaluate each account), then a row per account with a
 * position. What {@code scan} prints.
 */
public final class AaveV3Scanner {

    public static final String PROTOCOL = "aave-v3";

    private final EthRpc rpc;
    private final Address multicall3;
    private final MeterRegistry registry;

    public AaveV3Scanner(EthRpc rpc, Address multicall3, MeterRegistry registry) {
        this.rpc = rpc;
        this.multicall3 = multicall3;
        this.registry = registry;
    }

    public List<ScanRow> scan(Address addressesProvider, long startBlock, int confirmations, CheckpointStore checkpoints, BlockHeader head) {
        return scan(addressesProvider, addressesProvider.toString(), startBlock, confirmations, checkpoints, head);
    }

    /** @param market how the rows name the market (the configured name, else the PoolAddressesProvider) */
    public List<ScanRow> scan(Address addressesProvider, String market, long startBlock, int confirmations, CheckpointStore checkpoints,
                              BlockHeader head) {
        AaveV3Monitor monitor = new AaveV3Monitor(rpc, multicall3, addressesProvider, market,
                new AaveV3Monitor.Settings(startBlock, confirmations, 0, 0), checkpoints, registry);
        monitor.start(head);
        AaveV3Book book = monitor.book();
        List<ScanRow> rows = new ArrayList<>();
        for (Address account : book.accounts()) {
            if (book.position(account).orElseThrow().isEmpty()) {
                continue;
            }
            AccountBreakdown breakdown = book.breakdown(account).orElseThrow();
            SafetyMargin margin = SafetyMargin.of(breakdown);
            rows.add(new ScanRow(PROTOCOL, market, account, breakdown.totals().healthFactor(), breakdown.totals().totalCollateralBase(),
                    breakdown.totals().totalDebtBase(), breakdown.totals().liquidatable(), Math.round(margin.marginPct() * 100) / 100.0,
                    head.number()));
        }
        return rows;
    }
}
