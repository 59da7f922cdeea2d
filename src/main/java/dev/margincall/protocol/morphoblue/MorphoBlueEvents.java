package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * Morpho Blue's events (src/libraries/EventsLib.sol, 1.0.0; in abis/MorphoBlue.json) as the adapter needs them:
 * which market was created with which params, which account's position in which market an event touched, the
 * liquidations, and interest accruals. Topic positions follow each event's {@code indexed} arguments.
 */
public final class MorphoBlueEvents {

    public static final String CREATE_MARKET = Abi.topic("CreateMarket(bytes32," + MarketParams.TUPLE + ")");
    public static final String SUPPLY = Abi.topic("Supply(bytes32,address,address,uint256,uint256)");
    public static final String WITHDRAW = Abi.topic("Withdraw(bytes32,address,address,address,uint256,uint256)");
    public static final String BORROW = Abi.topic("Borrow(bytes32,address,address,address,uint256,uint256)");
    public static final String REPAY = Abi.topic("Repay(bytes32,address,address,uint256,uint256)");
    public static final String SUPPLY_COLLATERAL = Abi.topic("SupplyCollateral(bytes32,address,address,uint256)");
    public static final String WITHDRAW_COLLATERAL = Abi.topic("WithdrawCollateral(bytes32,address,address,address,uint256)");
    public static final String LIQUIDATE = Abi.topic("Liquidate(bytes32,address,address,uint256,uint256,uint256,uint256,uint256)");
    public static final String ACCRUE_INTEREST = Abi.topic("AccrueInterest(bytes32,uint256,uint256,uint256)");
    public static final String SET_FEE = Abi.topic("SetFee(bytes32,uint256)");
    public static final String SET_FEE_RECIPIENT = Abi.topic("SetFeeRecipient(address)");

    /** Every event that changes a position: the account is the one the position belongs to. */
    public static final List<String> POSITION_EVENTS = List.of(SUPPLY, WITHDRAW, BORROW, REPAY, SUPPLY_COLLATERAL, WITHDRAW_COLLATERAL, LIQUIDATE);

    private MorphoBlueEvents() {
    }

    /** A market and the params it was created with (the id checked against the params: a mismatch is a corrupt log). */
    public record MarketCreated(String id, MarketParams params) {
    }

    /** An event that changed {@code account}'s position in market {@code id}. */
    public record PositionTouched(String id, Address account) {
    }

    /** The {@code Liquidate} event: what the borrower lost and the liquidator (caller) paid. */
    public record Liquidated(String id, Address caller, Address borrower, BigInteger repaidAssets, BigInteger repaidShares,
                             BigInteger seizedAssets, BigInteger badDebtAssets, BigInteger badDebtShares) {
    }

    public static Optional<MarketCreated> marketCreated(LogEntry log) {
        if (!CREATE_MARKET.equals(log.topic0())) {
            return Optional.empty();
        }
        MarketParams params = MarketParams.decode(log.data(), 0);
        String id = log.topics().get(1);
        if (!params.id().equalsIgnoreCase(id)) {
            throw new IllegalArgumentException("CreateMarket log " + log.transactionHash() + " names market " + id + " but its params hash to " + params.id());
        }
        return Optional.of(new MarketCreated(params.id(), params));
    }

    /**
     * The position an event touched: {@code onBehalf} (topic 3 of Supply, Repay, SupplyCollateral; topic 2 of Withdraw,
     * Borrow, WithdrawCollateral, whose caller is not indexed) or the liquidated {@code borrower} (topic 3).
     */
    public static Optional<PositionTouched> positionTouched(LogEntry log) {
        String topic = log.topic0();
        int accountTopic;
        if (SUPPLY.equals(topic) || REPAY.equals(topic) || SUPPLY_COLLATERAL.equals(topic) || LIQUIDATE.equals(topic)) {
            accountTopic = 3;
        } else if (WITHDRAW.equals(topic) || BORROW.equals(topic) || WITHDRAW_COLLATERAL.equals(topic)) {
            accountTopic = 2;
        } else {
            return Optional.empty();
        }
        return Optional.of(new PositionTouched(normalizedId(log.topics().get(1)), topicAddress(log.topics().get(accountTopic))));
    }

    public static Optional<Liquidated> liquidated(LogEntry log) {
        if (!LIQUIDATE.equals(log.topic0())) {
            return Optional.empty();
        }
        String data = log.data();
        return Optional.of(new Liquidated(normalizedId(log.topics().get(1)), topicAddress(log.topics().get(2)), topicAddress(log.topics().get(3)),
                Words.uint(data, 0), Words.uint(data, 1), Words.uint(data, 2), Words.uint(data, 3), Words.uint(data, 4)));
    }

    /** Ids as {@link MarketParams#id()} writes them: 0x + 64 lower-case hex digits. */
    public static String normalizedId(String id) {
        return Hex.of(Hex.bytes(id.toLowerCase(java.util.Locale.ROOT)));
    }

    private static Address topicAddress(String topic) {
        return Address.fromTail(Hex.bytes(topic));
    }
}
