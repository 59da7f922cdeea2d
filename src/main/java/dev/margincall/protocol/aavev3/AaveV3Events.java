package dev.margincall.protocol.aavev3;

import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Aave V3 events that change an account's position, and which indexed topics name the account
 * (signatures from IPool.sol and IAToken.sol of @aave/core-v3 1.19.3; enums are uint8 in the ABI).
 * Collateral also moves by aToken transfer, so aToken {@code Transfer} and {@code BalanceTransfer} count.
 */
public final class AaveV3Events {

    /** topic0 → the indexes of the topics that hold affected accounts. */
    static final Map<String, int[]> POOL_EVENTS = Map.ofEntries(
            Map.entry(Abi.topic("Supply(address,address,address,uint256,uint16)"), new int[] {2}),
            Map.entry(Abi.topic("MintUnbacked(address,address,address,uint256,uint16)"), new int[] {2}),
            Map.entry(Abi.topic("Withdraw(address,address,address,uint256)"), new int[] {2}),
            Map.entry(Abi.topic("Borrow(address,address,address,uint256,uint8,uint256,uint16)"), new int[] {2}),
            Map.entry(Abi.topic("Repay(address,address,address,uint256,bool)"), new int[] {2}),
            Map.entry(Abi.topic("SwapBorrowRateMode(address,address,uint8)"), new int[] {2}),
            Map.entry(Abi.topic("RebalanceStableBorrowRate(address,address)"), new int[] {2}),
            Map.entry(Abi.topic("UserEModeSet(address,uint8)"), new int[] {1}),
            Map.entry(Abi.topic("ReserveUsedAsCollateralEnabled(address,address)"), new int[] {2}),
            Map.entry(Abi.topic("ReserveUsedAsCollateralDisabled(address,address)"), new int[] {2}),
            Map.entry(Abi.topic("LiquidationCall(address,address,address,uint256,uint256,address,bool)"), new int[] {3}));

    static final Map<String, int[]> ATOKEN_EVENTS = Map.of(
            Abi.topic("Transfer(address,address,uint256)"), new int[] {1, 2},
            Abi.topic("BalanceTransfer(address,address,uint256,uint256)"), new int[] {1, 2});

    private AaveV3Events() {
    }

    /** Every topic0 to ask the node for. */
    public static List<String> topics() {
        List<String> out = new ArrayList<>(POOL_EVENTS.keySet());
        out.addAll(ATOKEN_EVENTS.keySet());
        return out;
    }

    /** The accounts whose position a log may have changed (never the zero address of mints and burns). */
    public static List<Address> accountsIn(LogEntry log, Address pool) {
        int[] indexes = log.address().equals(pool) ? POOL_EVENTS.get(log.topic0()) : ATOKEN_EVENTS.get(log.topic0());
        if (indexes == null) {
            return List.of();
        }
        List<Address> out = new ArrayList<>(indexes.length);
        for (int index : indexes) {
            if (index < log.topics().size()) {
                Address account = Address.fromTail(Hex.bytes(log.topics().get(index)));
                if (!account.isZero()) {
                    out.add(account);
                }
            }
        }
        return out;
    }
}
