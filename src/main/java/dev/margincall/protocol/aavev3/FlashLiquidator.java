package dev.margincall.protocol.aavev3;

import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.chain.abi.OurContract;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.DynamicArray;

/**
 * Our flash-loan liquidator ({@code contracts/FlashLiquidator.sol}): its deploy data, the calldata of its
 * functions, its {@code Liquidated} event and its custom errors. The init code is the build's solcjs
 * output on the classpath ({@code /contracts/FlashLiquidator.json}, written by {@code contracts/build.js}).
 */
public final class FlashLiquidator {

    static final String ARTIFACT = "/contracts/FlashLiquidator.json";

    /** The contract's custom errors, as declared (parameter names included), for {@link AaveV3Errors#CATALOG}. */
    public static final ErrorCatalog ERRORS = ErrorCatalog.customErrors(
            "NotOwner()",
            "NotPool()",
            "BadInitiator()",
            "BadSwapPath()",
            "RepaymentShortfall(uint256 available, uint256 owed)",
            "InsufficientProfit(uint256 profit, uint256 minProfit)",
            "TokenCallFailed(address token)",
            "EthTransferFailed()",
            "NotSelf()",
            "BadBatch()",
            "CollateralShortfall(uint256 seized, uint256 minCollateral)",
            "PathFailed(bytes reason, bytes[] itemReasons)",
            "NoItemLiquidated()",
            "SwapBelowFloor(uint256 amountOut, uint256 minAmountOut)",
            "OutOfGas()");

    /** {@code Liquidated(address indexed user, address indexed collateralAsset, address indexed debtAsset, uint256 debtCovered, uint256 collateralSeized, uint256 profit)}. */
    public static final String LIQUIDATED_TOPIC = Abi.topic("Liquidated(address,address,address,uint256,uint256,uint256)");

    /** A decoded {@code Liquidated} event; {@code debtCovered} is what Aave actually took, {@code profit} what the owner received. */
    public record Liquidated(Address contract, Address user, Address collateralAsset, Address debtAsset, BigInteger debtCovered,
                             BigInteger collateralSeized, BigInteger profit) {
    }

    private FlashLiquidator() {
    }

    /** The contract's init code (from the classpath artifact) followed by its constructor arguments. */
    public static String deployData(Address poolAddressesProvider, Address swapRouter) {
        return initCode() + Abi.encodeArguments(Abi.address(poolAddressesProvider), Abi.address(swapRouter));
    }

    /** The compiled init code, without constructor arguments. */
    public static String initCode() {
        return OurContract.initCode(ARTIFACT);
    }


    /**
     * Calldata of {@code liquidate}: flash-borrow {@code debtToCover} of {@code debtAsset}, liquidate {@code user}, sell the
     * seized collateral along {@code swapPath} ({@code [collateral, …, debt]}, empty when both are the same asset) for at least
     * {@code minAmountOut}, revert unless the owner gains at least {@code minProfit} of the debt asset.
     */
    public static String liquidate(Address collateralAsset, Address debtAsset, Address user, BigInteger debtToCover,
                                   List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit) {
        return Abi.call("liquidate(address,address,address,uint256,address[],uint256,uint256)",
                Abi.address(collateralAsset), Abi.address(debtAsset), Abi.address(user), Abi.uint(debtToCover),
                new DynamicArray<>(org.web3j.abi.datatypes.Address.class, swapPath.stream().map(Abi::address).toList()),
                Abi.uint(minAmountOut), Abi.uint(minProfit));
    }

    public static String owner() {
        return OurContract.owner();
    }

    public static String pool() {
        return Abi.call("pool()");
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

    public static boolean isLiquidated(LogEntry log) {
        return LIQUIDATED_TOPIC.equals(log.topic0()) && log.topics().size() == 4;
    }

    public static Liquidated decodeLiquidated(LogEntry log) {
        if (!isLiquidated(log)) {
            throw new IllegalArgumentException("log " + log.logIndex() + " of tx " + log.transactionHash() + " is not a Liquidated event");
        }
        return new Liquidated(log.address(), LiquidationCallEvent.topicAddress(log, 1), LiquidationCallEvent.topicAddress(log, 2),
                LiquidationCallEvent.topicAddress(log, 3), Words.uint(log.data(), 0), Words.uint(log.data(), 1), Words.uint(log.data(), 2));
    }

    /** The {@code Liquidated} events among a receipt's logs, from {@code contract} only. */
    public static List<Liquidated> liquidatedEvents(List<LogEntry> logs, Address contract) {
        return logs.stream().filter(log -> log.address().equals(contract) && isLiquidated(log)).map(FlashLiquidator::decodeLiquidated).toList();
    }
}
