package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.LogFilter;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.protocol.morphoblue.model.InterestAccrual;
import dev.margincall.protocol.morphoblue.model.Liquidation;
import dev.margincall.protocol.morphoblue.model.LiquidationQuote;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Liquidate events of one block against the pure model: each market's state before the block (accrued to the
 * block's timestamp, as {@code liquidate} accrues first), each borrower's position before it, the liquidations applied
 * in log order (one moves its market's share price for the next), each sized as the event shows (all the collateral
 * seized, or shares repaid).
 */
public final class MorphoLiquidationReplay {

    /** One event's five numbers (repaidAssets, repaidShares, seizedAssets, badDebtAssets, badDebtShares) and the model's. */
    public record Replayed(MorphoBlueEvents.Liquidated event, String transactionHash, LiquidationQuote expected) {

        public List<BigInteger> eventNumbers() {
            return List.of(event.repaidAssets(), event.repaidShares(), event.seizedAssets(), event.badDebtAssets(), event.badDebtShares());
        }

        public List<BigInteger> expectedNumbers() {
            return List.of(expected.repaidAssets(), expected.repaidShares(), expected.seizedAssets(), expected.badDebtAssets(), expected.badDebtShares());
        }
    }

    private MorphoLiquidationReplay() {
    }

    public static List<Replayed> block(DevChain chain, Deployment deployment, long block) {
        Address morpho = deployment.morphoBlue().morpho();
        MorphoBlueReader reader = new MorphoBlueReader(chain, deployment.multicall3(), morpho);
        BlockTag before = BlockTag.number(block - 1);
        long timestamp = chain.block(BlockTag.number(block)).timestamp();
        List<LogEntry> logs = new ArrayList<>(chain.logs(new LogFilter(block, block, List.of(morpho), List.of(MorphoBlueEvents.LIQUIDATE))));
        logs.sort(Comparator.comparingLong(LogEntry::logIndex));
        Map<String, MarketState> running = new HashMap<>();
        Map<String, MarketParams> params = new HashMap<>();
        Map<String, BigInteger> prices = new HashMap<>();
        List<Replayed> out = new ArrayList<>();
        for (LogEntry log : logs) {
            MorphoBlueEvents.Liquidated event = MorphoBlueEvents.liquidated(log).orElseThrow();
            String id = event.id();
            if (!running.containsKey(id)) {
                MarketParams p = reader.marketParams(List.of(id), before).get(0);
                MarketState stored = reader.markets(List.of(id), before).get(0);
                BigInteger rate = reader.borrowRates(List.of(p), List.of(stored), before).get(0);
                params.put(id, p);
                prices.put(id, reader.prices(List.of(p.oracle()), BlockTag.number(block)).get(0));
                running.put(id, InterestAccrual.accrue(stored, rate, timestamp).market());
            }
            PositionState position = reader.positions(List.of(new MorphoBlueEvents.PositionTouched(id, event.borrower())), before).get(0);
            Liquidation model = new Liquidation(position, running.get(id), prices.get(id), params.get(id).lltv());
            LiquidationQuote expected = event.seizedAssets().equals(position.collateral()) ? model.bySeizedAssets(event.seizedAssets())
                    : model.byRepaidShares(event.repaidShares());
            running.put(id, expected.marketAfter());
            out.add(new Replayed(event, log.transactionHash(), expected));
        }
        return out;
    }
}
