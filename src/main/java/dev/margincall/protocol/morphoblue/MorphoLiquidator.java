package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.chain.abi.OurContract;
import dev.margincall.chain.abi.RevertReason;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;

/**
 * Our Morpho Blue liquidator ({@code contracts/MorphoLiquidator.sol}): liquidates through Morpho's
 * {@code onMorphoLiquidate} callback, which runs after Morpho sent the seized collateral and before it pulls the
 * repayment (src/Morpho.sol:410-414), so no capital and no flash loan are needed. Its deploy data, the calldata of
 * its functions, its {@code Liquidated} event and its custom errors. The init code is the build's solcjs output on the
 * classpath ({@code /contracts/MorphoLiquidator.json}, written by {@code contracts/build.js}).
 */
public final class MorphoLiquidator {

    static final String ARTIFACT = "/contracts/MorphoLiquidator.json";

    static final String LIQUIDATE = "liquidate(" + MarketParams.TUPLE + ",address,uint256,uint256,address[],uint256,uint256)";

    static final String LIQUIDATE_BATCH = "liquidateBatch((" + MarketParams.TUPLE + ",address,uint256,uint256,address[],uint256,uint256)[])";

    static final String LIQUIDATE_BATCH_FROM_OWNER = "liquidateBatchFromOwner((" + MarketParams.TUPLE + ",address,uint256,uint256,uint256,uint256)[])";

    /** The contract's custom errors, as declared (parameter names included). */
    public static final ErrorCatalog ERRORS = ErrorCatalog.customErrors(
            "NotOwner()",
            "NotMorpho()",
            "NotRunning()",
            "BadSwapPath()",
            "RepaymentShortfall(uint256 available, uint256 owed)",
            "InsufficientProfit(uint256 profit, uint256 minProfit)",
            "TokenCallFailed(address token)",
            "EthTransferFailed()",
            "NotSelf()",
            "OutOfGas()",
            "RepaidAboveMax(uint256 repaid, uint256 maxRepaid)",
            "CollateralShortfall(uint256 seized, uint256 minSeized)");

    /** {@code Liquidated(bytes32 indexed marketId, address indexed borrower, address indexed loanToken, uint256 repaidAssets, uint256 seizedAssets, uint256 profit)}. */
    public static final String LIQUIDATED_TOPIC = Abi.topic("Liquidated(bytes32,address,address,uint256,uint256,uint256)");

    /** A decoded {@code Liquidated} event: what Morpho took and gave, and what the owner received (loan-token units). */
    public record Liquidated(Address contract, String marketId, Address borrower, Address loanToken, BigInteger repaidAssets,
                             BigInteger seizedAssets, BigInteger profit) {
    }

    private MorphoLiquidator() {
    }

    /** The contract's init code (from the classpath artifact) followed by its constructor arguments. */
    public static String deployData(Address morpho, Address swapRouter) {
        return initCode() + Abi.encodeArguments(Abi.address(morpho), Abi.address(swapRouter));
    }

    /** The compiled init code, without constructor arguments. */
    public static String initCode() {
        return OurContract.initCode(ARTIFACT);
    }


    /**
     * Calldata of {@code liquidate}: liquidate {@code borrower} on {@code params} with exactly one of {@code seizedAssets}
     * and {@code repaidShares} non-zero (as Morpho's own {@code liquidate}, src/Morpho.sol:356), sell the seized
     * collateral along {@code swapPath} ({@code [collateral, …, loan]}) for at least {@code minAmountOut}, revert unless
     * the owner gains at least {@code minProfit} of the loan token.
     */
    public static String liquidate(MarketParams params, Address borrower, BigInteger seizedAssets, BigInteger repaidShares,
                                   List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit) {
        return Abi.call(LIQUIDATE, params.with(Abi.address(borrower), Abi.uint(seizedAssets), Abi.uint(repaidShares), addresses(swapPath),
                Abi.uint(minAmountOut), Abi.uint(minProfit)));
    }

    /**
     * One liquidation of {@link #liquidateBatch}: the arguments of {@link #liquidate}, its minimum profit its own (the item
     * is skipped, not the batch, when it falls short).
     */
    public record BatchCall(MarketParams params, Address borrower, BigInteger seizedAssets, BigInteger repaidShares, List<Address> swapPath,
                            BigInteger minAmountOut, BigInteger minProfit) {
    }

    /**
     * Calldata of {@code liquidateBatch}: each item in its own guarded call (skipped with {@code BatchItemSkipped} and its
     * revert data when it fails, the others run), the profit of each loan token paid to the owner at the end.
     */
    public static String liquidateBatch(List<BatchCall> items) {
        return Abi.call(LIQUIDATE_BATCH, new DynamicArray<>(BatchItemStruct.class, items.stream().map(BatchItemStruct::new).toList()));
    }

    /** MorphoLiquidator.BatchItem as web3j encodes it: the market's five words inline, then the rest. */
    public static final class BatchItemStruct extends DynamicStruct {
        BatchItemStruct(BatchCall item) {
            super(new StaticStruct(item.params().with()), Abi.address(item.borrower()), Abi.uint(item.seizedAssets()),
                    Abi.uint(item.repaidShares()), addresses(item.swapPath()), Abi.uint(item.minAmountOut()), Abi.uint(item.minProfit()));
        }
    }

    /**
     * One liquidation of {@link #liquidateBatchFromOwner}: Morpho's sizing (exactly one of {@code seizedAssets} and
     * {@code repaidShares} non-zero) and the owner's guards (the item is skipped when it would repay more than {@code maxRepaid}
     * or seize less than {@code minSeized}).
     */
    public record OwnerCall(MarketParams params, Address borrower, BigInteger seizedAssets, BigInteger repaidShares, BigInteger maxRepaid,
                            BigInteger minSeized) {
    }

    /**
     * Calldata of {@code liquidateBatchFromOwner}: the owner's loan tokens pay (the owner approves this contract), each item in its
     * own guarded call, the seized collateral and what was not repaid handed back to the owner.
     */
    public static String liquidateBatchFromOwner(List<OwnerCall> items) {
        return Abi.call(LIQUIDATE_BATCH_FROM_OWNER, new DynamicArray<>(OwnerItemStruct.class, items.stream().map(OwnerItemStruct::new).toList()));
    }

    /** MorphoLiquidator.OwnerItem as web3j encodes it: ten static words. */
    public static final class OwnerItemStruct extends StaticStruct {
        OwnerItemStruct(OwnerCall item) {
            super(item.params().with(Abi.address(item.borrower()), Abi.uint(item.seizedAssets()), Abi.uint(item.repaidShares()),
                    Abi.uint(item.maxRepaid()), Abi.uint(item.minSeized())));
        }
    }

    private static DynamicArray<org.web3j.abi.datatypes.Address> addresses(List<Address> path) {
        return new DynamicArray<>(org.web3j.abi.datatypes.Address.class, path.stream().map(Abi::address).toList());
    }

    /** Calldata of the callback {@code onMorphoLiquidate(uint256 repaidAssets, bytes data)} (for tests of its guards). */
    public static String onMorphoLiquidate(BigInteger repaidAssets, String data) {
        return Abi.call("onMorphoLiquidate(uint256,bytes)", Abi.uint(repaidAssets), Abi.bytes(data));
    }

    public static String owner() {
        return OurContract.owner();
    }

    public static String morpho() {
        return Abi.call("morpho()");
    }

    public static String router() {
        return Abi.call("router()");
    }

    public static String rescue(Address token, Address to, BigInteger amount) {
        return OurContract.rescue(token, to, amount);
    }

    public static String rescueEth(Address to, BigInteger amount) {
        return OurContract.rescueEth(to, amount);
    }

    /** A revert of this contract (or of Morpho, Uniswap or a token under it) in words. */
    public static String describeRevert(String revertData) {
        return RevertReason.describe(revertData, ERRORS);
    }

    public static boolean isLiquidated(LogEntry log) {
        return LIQUIDATED_TOPIC.equals(log.topic0()) && log.topics().size() == 4;
    }

    public static Liquidated decodeLiquidated(LogEntry log) {
        if (!isLiquidated(log)) {
            throw new IllegalArgumentException("log " + log.logIndex() + " of tx " + log.transactionHash() + " is not a MorphoLiquidator Liquidated event");
        }
        return new Liquidated(log.address(), MorphoBlueEvents.normalizedId(log.topics().get(1)), topicAddress(log, 2), topicAddress(log, 3),
                Words.uint(log.data(), 0), Words.uint(log.data(), 1), Words.uint(log.data(), 2));
    }

    /** The {@code Liquidated} events among a receipt's logs, from {@code contract} only. */
    public static List<Liquidated> liquidatedEvents(List<LogEntry> logs, Address contract) {
        return logs.stream().filter(log -> log.address().equals(contract) && isLiquidated(log)).map(MorphoLiquidator::decodeLiquidated).toList();
    }

    private static Address topicAddress(LogEntry log, int index) {
        return Address.fromTail(Hex.bytes(log.topics().get(index)));
    }
}
