package dev.margincall.protocol.aavev3;

import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;

/**
 * Aave V3's {@code LiquidationCall} event (IPool.sol): {@code debtToCover} is the debt actually repaid,
 * {@code liquidatedCollateralAmount} what the liquidator received, without the protocol fee.
 */
public record LiquidationCallEvent(Address collateralAsset, Address debtAsset, Address user, BigInteger debtToCover,
                                   BigInteger liquidatedCollateralAmount, Address liquidator, boolean receiveAToken) {

    public static final String TOPIC = Abi.topic("LiquidationCall(address,address,address,uint256,uint256,address,bool)");

    public static boolean matches(LogEntry log) {
        return TOPIC.equals(log.topic0()) && log.topics().size() == 4;
    }

    public static LiquidationCallEvent decode(LogEntry log) {
        if (!matches(log)) {
            throw new IllegalArgumentException("log " + log.logIndex() + " of tx " + log.transactionHash() + " is not a LiquidationCall");
        }
        return new LiquidationCallEvent(topicAddress(log, 1), topicAddress(log, 2), topicAddress(log, 3),
                Words.uint(log.data(), 0), Words.uint(log.data(), 1), Words.address(log.data(), 2), Words.bool(log.data(), 3));
    }

    static Address topicAddress(LogEntry log, int index) {
        return Address.fromTail(Hex.bytes(log.topics().get(index)));
    }
}
