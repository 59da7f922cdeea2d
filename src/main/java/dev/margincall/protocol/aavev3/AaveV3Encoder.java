package dev.margincall.protocol.aavev3;

import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.ContractCall;
import dev.margincall.protocol.spi.LiquidationEncoder;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Aave V3's liquidation calls: {@code Pool.liquidationCall} from the wallet, or our {@link FlashLiquidator} (Aave flash loan). */
final class AaveV3Encoder implements LiquidationEncoder {

    private final Address pool;
    private final int flashPremiumBps;
    private final boolean premiumRoundsUp;

    AaveV3Encoder(Address pool, int flashPremiumBps, boolean premiumRoundsUp) {
        this.pool = pool;
        this.flashPremiumBps = flashPremiumBps;
        this.premiumRoundsUp = premiumRoundsUp;
    }

    @Override
    public Address walletSpender() {
        return pool;
    }

    @Override
    public ContractCall wallet(Quote quote, boolean receiveCollateralAsToken) {
        return new ContractCall(pool, AaveV3Calls.liquidationCall(quote.collateralAsset(), quote.debtAsset(), quote.account(), requested(quote),
                receiveCollateralAsToken));
    }

    @Override
    public ContractCall contractFunded(Address liquidator, Quote quote, List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit) {
        return new ContractCall(liquidator, FlashLiquidator.liquidate(quote.collateralAsset(), quote.debtAsset(), quote.account(), requested(quote),
                swapPath, minAmountOut, minProfit));
    }

    /**
     * A batch item is skipped when it would seize less collateral than its quote less this share. Not zero: a quote is
     * exact for the predicted next block, and a block stamped earlier (a fork mining a block a second while the keeper
     * still assumes 12 s; a chain's irregular slots) leaves a full liquidation a little less debt to repay, so a little
     * less collateral. Seen on a fork: every item of a batch skipped by an exact guard, the loan unpaid
     * ({@code RepaymentShortfall}). An hour of interest at 100 % a year is 0.011 %; 0.1 % leaves a liquidation's bonus
     * (5 % and more) nearly whole.
     */
    static final int COLLATERAL_TOLERANCE_BPS = 10;

    /**
     * {@code FlashLiquidator.liquidateBatch} with one flash loan per debt asset. Per item, the guard is the collateral the
     * quote seizes, less {@link #COLLATERAL_TOLERANCE_BPS}, so an item the chain would treat otherwise (a competitor came
     * first, a price moved) is skipped, not run at a loss.
     * Each pair's collateral is sold in one swap at the floor price Σ minAmountOut / Σ collateral of its items: one sale of
     * the total returns at least what the planned sales one after another return, and fewer items sell at a better price.
     * The batch's total profit floor is 0: skipped items are expected, and what protects the principal is the flash loan
     * itself (the transaction reverts unless the loan and its premium are repaid; the owner's tokens are never touched).
     */
    @Override
    public boolean hasBatchEntry() {
        return true;
    }

    @Override
    public Optional<ContractCall> contractFundedBatch(Address liquidator, List<BatchItem> items) {
        Map<List<Address>, BigInteger[]> pairs = new LinkedHashMap<>(); // path -> {Σ minAmountOut, Σ collateral}
        for (BatchItem item : items) {
            BigInteger[] sums = pairs.computeIfAbsent(item.swapPath(), p -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
            sums[0] = sums[0].add(item.minAmountOut());
            sums[1] = sums[1].add(item.quote().collateralToLiquidator());
        }
        LiquidationBatch batch = new LiquidationBatch(false);
        for (BatchItem item : items) {
            Quote quote = item.quote();
            BigInteger[] sums = pairs.get(item.swapPath());
            BigInteger floor = item.swapPath().isEmpty() || sums[1].signum() == 0 ? BigInteger.ZERO : LiquidationBatch.floorPrice(sums[0], sums[1]);
            batch.add(new LiquidationBatch.Item(quote.collateralAsset(), quote.debtAsset(), quote.account(), requested(quote), guard(quote),
                    item.swapPath(), floor));
        }
        return Optional.of(new ContractCall(liquidator, batch.calldata()));
    }

    /**
     * {@code FlashLiquidator.liquidateBatch} from the owner's tokens with every collateral kept (its swap path the collateral
     * alone): the wallet pays what the items repay and receives what they seize, as its own {@code liquidationCall}s would,
     * minus the gas that batching saves. Guards as for {@link #contractFundedBatch}; no profit floor (nothing is sold).
     */
    @Override
    public Optional<ContractCall> walletBatch(Address liquidator, List<Quote> quotes) {
        LiquidationBatch batch = new LiquidationBatch(true);
        for (Quote quote : quotes) {
            batch.add(new LiquidationBatch.Item(quote.collateralAsset(), quote.debtAsset(), quote.account(), requested(quote), guard(quote),
                    List.of(quote.collateralAsset()), BigInteger.ZERO));
        }
        return Optional.of(new ContractCall(liquidator, batch.calldata()));
    }

    /** The least collateral a batch item may seize: its quote's, less {@link #COLLATERAL_TOLERANCE_BPS}. */
    private static BigInteger guard(Quote quote) {
        BigInteger collateral = quote.collateralToLiquidator();
        return collateral.subtract(collateral.multiply(BigInteger.valueOf(COLLATERAL_TOLERANCE_BPS)).divide(BigInteger.valueOf(10_000)));
    }

    /**
     * The {@code debtToCover} argument: what the quote repays, or on 3.6 a little more when it clears a line
     * ({@link Quote#debtToRequest()}: the Pool takes only what it computes when the call lands).
     */
    private static BigInteger requested(Quote quote) {
        return quote.debtToRequest();
    }

    @Override
    public int fundingPremiumBps() {
        return flashPremiumBps;
    }

    @Override
    public boolean fundingPremiumRoundsUp() {
        return premiumRoundsUp;
    }

    /** Aave's error strings and custom errors (3.0 to 3.6) and our FlashLiquidator's. */
    @Override
    public ErrorCatalog errors() {
        return AaveV3Errors.CATALOG;
    }
}
