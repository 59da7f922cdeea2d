package dev.margincall.chain.abi;

import dev.margincall.chain.LogEntry;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of our liquidator contracts' batch entry ({@code FlashLiquidator.liquidateBatch}, contracts/FlashLiquidator.sol):
 * what each item of a mined batch did. Protocol-neutral on purpose: the submitter settles a batch item by item from them,
 * whatever protocol the items liquidate.
 */
public final class BatchEvents {

    public static final String ITEM_LIQUIDATED_TOPIC = Abi.topic("BatchItemLiquidated(uint256,address,uint256,uint256)");
    public static final String ITEM_SKIPPED_TOPIC = Abi.topic("BatchItemSkipped(uint256,address,bytes)");
    public static final String SETTLED_TOPIC = Abi.topic("BatchSettled(address,uint256,uint256)");
    public static final String PATH_SKIPPED_TOPIC = Abi.topic("BatchPathSkipped(address,bytes)");

    private BatchEvents() {
    }

    /** An item the contract liquidated ({@code BatchItemLiquidated}) or skipped ({@code BatchItemSkipped}, reason = revert data). */
    public record ItemOutcome(int index, Address user, boolean liquidated, BigInteger debtCovered, BigInteger collateralSeized, String reason) {
    }

    /** {@code BatchSettled}: what the batch borrowed of a debt asset and the profit the owner received in it. */
    public record Settled(Address debtAsset, BigInteger borrowed, BigInteger profit) {
    }

    /** {@code BatchPathSkipped}: a debt asset's path undone whole (nothing borrowed, its items reported skipped), and why. */
    public record PathSkipped(Address debtAsset, String reason) {
    }

    /**
     * The outcomes of a batch's items from its receipt's logs, by item index: the contract runs one debt asset's path after
     * another, so the events come in path order, which is index order only when the items are grouped by debt asset.
     */
    public static List<ItemOutcome> outcomes(List<LogEntry> logs, Address contract) {
        List<ItemOutcome> out = new ArrayList<>();
        for (LogEntry log : logs) {
            if (!log.address().equals(contract) || log.topics().isEmpty()) {
                continue;
            }
            if (log.topic0().equals(ITEM_LIQUIDATED_TOPIC)) {
                out.add(new ItemOutcome(Words.uint(log.topics().get(1), 0).intValueExact(), Words.address(log.topics().get(2), 0), true,
                        Words.uint(log.data(), 0), Words.uint(log.data(), 1), null));
            } else if (log.topic0().equals(ITEM_SKIPPED_TOPIC)) {
                out.add(new ItemOutcome(Words.uint(log.topics().get(1), 0).intValueExact(), Words.address(log.topics().get(2), 0), false,
                        BigInteger.ZERO, BigInteger.ZERO, bytesArgument(log.data())));
            }
        }
        out.sort(java.util.Comparator.comparingInt(ItemOutcome::index));
        return out;
    }

    /** The {@code BatchPathSkipped} events of a receipt, one per debt asset whose path was undone. */
    public static List<PathSkipped> pathsSkipped(List<LogEntry> logs, Address contract) {
        return logs.stream().filter(l -> l.address().equals(contract) && !l.topics().isEmpty() && l.topic0().equals(PATH_SKIPPED_TOPIC))
                .map(l -> new PathSkipped(Words.address(l.topics().get(1), 0), bytesArgument(l.data()))).toList();
    }

    /** The event data's only non-indexed argument, a {@code bytes}: its offset, its length, its content. */
    private static String bytesArgument(String data) {
        int at = Words.uint(data, 0).intValueExact() / 32;
        int length = Words.uint(data, at).intValueExact();
        return "0x" + Hex.strip(data).substring((at + 1) * 64, (at + 1) * 64 + length * 2);
    }

    /** The {@code BatchSettled} events of a receipt, one per debt asset. */
    public static List<Settled> settlements(List<LogEntry> logs, Address contract) {
        return logs.stream().filter(l -> l.address().equals(contract) && !l.topics().isEmpty() && l.topic0().equals(SETTLED_TOPIC))
                .map(l -> new Settled(Words.address(l.topics().get(1), 0), Words.uint(l.data(), 0), Words.uint(l.data(), 1))).toList();
    }
}
