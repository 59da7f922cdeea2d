package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;

import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.ContractCall;
import dev.margincall.protocol.spi.LiquidationEncoder;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * {@code Morpho.liquidate(marketParams, borrower, seizedAssets, repaidShares, data)} (src/Morpho.sol:347) for a
 * {@link MorphoQuote}: exactly one of the two amounts, as the quote was sized. Wallet funding: Morpho pulls the
 * loan token from the keeper's wallet (approve Morpho). Contract funding: our {@link MorphoLiquidator} calls the same
 * {@code liquidate} with the same sizing and pays from the sale of the seized collateral inside Morpho's
 * {@code onMorphoLiquidate} callback (src/Morpho.sol:410-414); no flash loan, so no premium.
 */
public final class MorphoBlueEncoder implements LiquidationEncoder {

    static final String LIQUIDATE = "liquidate(" + MarketParams.TUPLE + ",address,uint256,uint256,bytes)";

    private final Address morpho;

    public MorphoBlueEncoder(Address morpho) {
        this.morpho = morpho;
    }

    @Override
    public Address walletSpender() {
        return morpho;
    }

    /** {@code receiveCollateralAsToken} has no meaning on Morpho (collateral is never tokenized) and is ignored. */
    @Override
    public ContractCall wallet(Quote quote, boolean receiveCollateralAsToken) {
        MorphoQuote q = (MorphoQuote) quote;
        return new ContractCall(morpho, Abi.call(LIQUIDATE, q.params().with(address(q.account()), uint(seizedArgument(q)), uint(sharesArgument(q)),
                Abi.bytes("0x"))));
    }

    /**
     * Contract funding: {@link MorphoLiquidator#liquidate} with the quote's own sizing (the same two arguments as the wallet
     * call), the swap of the seized collateral along {@code swapPath} for at least {@code minAmountOut}, and the minimum
     * profit in loan-token units.
     */
    @Override
    public ContractCall contractFunded(Address liquidator, Quote quote, List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit) {
        MorphoQuote q = (MorphoQuote) quote;
        return new ContractCall(liquidator, MorphoLiquidator.liquidate(q.params(), q.account(), seizedArgument(q), sharesArgument(q), swapPath,
                minAmountOut, minProfit));
    }

    /** Our MorphoLiquidator's batch entries: contract-funded plans ({@code liquidateBatch}) and wallet ones ({@code liquidateBatchFromOwner}) ride together. */
    @Override
    public boolean hasBatchEntry() {
        return true;
    }

    /**
     * {@link MorphoLiquidator#liquidateBatchFromOwner}: the wallet's loan tokens pay (it approves the contract), each item is the
     * call {@link #wallet} would make, the seized collateral comes back to the wallet unsold. An item is skipped when it would
     * repay more than its quote plus {@link #TOLERANCE_BPS} or seize less than its quote minus it.
     */
    @Override
    public Optional<ContractCall> walletBatch(Address liquidator, List<Quote> quotes) {
        return Optional.of(new ContractCall(liquidator, MorphoLiquidator.liquidateBatchFromOwner(quotes.stream().map(quote -> {
            MorphoQuote q = (MorphoQuote) quote;
            BigInteger repaid = q.quote().repaidAssets();
            BigInteger seized = q.quote().seizedAssets();
            return new MorphoLiquidator.OwnerCall(q.params(), q.account(), seizedArgument(q), sharesArgument(q),
                    repaid.add(tolerance(repaid)), seized.subtract(tolerance(seized)));
        }).toList())));
    }

    /**
     * The slack of a wallet batch item's guards. Sized by seized collateral, Morpho's repayment follows the price alone (the
     * shares' rounding apart); sized by shares, both amounts grow with the interest accrued until the block that mines it
     * (an hour at 100 % a year is 0.011 %): 0.1 % keeps an item whose block came late, and skips one whose price moved.
     */
    static final int TOLERANCE_BPS = 10;

    private static BigInteger tolerance(BigInteger amount) {
        return amount.multiply(BigInteger.valueOf(TOLERANCE_BPS)).divide(BigInteger.valueOf(10_000));
    }

    /**
     * {@link MorphoLiquidator#liquidateBatch}: each item the call {@link #contractFunded} would make, with its own swap floor and
     * minimum profit, run in its own guarded call.
     */
    @Override
    public Optional<ContractCall> contractFundedBatch(Address liquidator, List<BatchItem> items) {
        return Optional.of(new ContractCall(liquidator, MorphoLiquidator.liquidateBatch(items.stream().map(item -> {
            MorphoQuote q = (MorphoQuote) item.quote();
            return new MorphoLiquidator.BatchCall(q.params(), q.account(), seizedArgument(q), sharesArgument(q), item.swapPath(), item.minAmountOut(),
                    item.minProfit());
        }).toList())));
    }

    /** {@code seizedAssets}: the quote's seized collateral when it was sized by it, else 0 (exactly one is non-zero, src/Morpho.sol:356). */
    private static BigInteger seizedArgument(MorphoQuote q) {
        return q.bySeizedAssets() ? q.quote().seizedAssets() : BigInteger.ZERO;
    }

    private static BigInteger sharesArgument(MorphoQuote q) {
        return q.bySeizedAssets() ? BigInteger.ZERO : q.quote().repaidShares();
    }

    /** No flash loan: Morpho sends the collateral before it pulls the repayment. */
    @Override
    public int fundingPremiumBps() {
        return 0;
    }

    /** Our MorphoLiquidator's custom errors (Morpho Blue itself reverts with strings, read as they are). */
    @Override
    public ErrorCatalog errors() {
        return MorphoLiquidator.ERRORS;
    }
}
