package dev.margincall.protocol.spi;

import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/** Turns a chosen quote into the transaction that executes it: the only place that knows the protocol's liquidation ABI. */
public interface LiquidationEncoder {

    /** Wallet funding: the contract that pulls the repaid debt from the keeper's wallet (it must be approved for each debt asset). */
    Address walletSpender();

    /** Wallet funding: the protocol's own liquidation call, from the keeper's wallet. */
    ContractCall wallet(Quote quote, boolean receiveCollateralAsToken);

    /**
     * Contract funding: our liquidator contract borrows the debt asset (or is called back by the protocol),
     * liquidates, swaps the collateral along {@code swapPath} for at least {@code minAmountOut}, and reverts
     * unless {@code minProfit} (debt-asset units) is left.
     */
    ContractCall contractFunded(Address liquidator, Quote quote, List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit);

    /**
     * One liquidation of a batch, with the guards of {@link #contractFunded}: its collateral is sold along {@code swapPath}
     * for at least {@code minAmountOut} (Aave's batch sells each pair's collateral in one swap at the pair's floor price);
     * {@code minProfit} (debt-asset units) is checked per item where the contract sells per item (Morpho), and not used
     * where it checks a whole debt asset's path (Aave).
     */
    record BatchItem(Quote quote, List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit) {
    }

    /**
     * Contract funding of many quotes in one transaction, through our contract's batch entry: each item runs in its own
     * guarded call (skipped, without reverting the others, when it became invalid or would seize less collateral than
     * quoted), the contract emits {@code dev.margincall.chain.abi.BatchEvents} for each. Empty when our contract for this
     * protocol has no batch entry: its plans go one transaction each.
     */
    default Optional<ContractCall> contractFundedBatch(Address liquidator, List<BatchItem> items) {
        return Optional.empty();
    }

    /**
     * Wallet funding of many quotes in one transaction, through our contract's batch entry: the contract pulls the debt from
     * the wallet (which approves {@code liquidator} for it), each item runs in its own guarded call as in
     * {@link #contractFundedBatch}, and the seized collateral goes back to the wallet unsold, with what was not repaid. Empty
     * when our contract for this protocol has no batch entry.
     */
    default Optional<ContractCall> walletBatch(Address liquidator, List<Quote> quotes) {
        return Optional.empty();
    }

    /** Whether {@link #contractFundedBatch} and {@link #walletBatch} build batches (asked for every plan: answered without encoding anything). */
    default boolean hasBatchEntry() {
        return false;
    }

    /** What contract funding costs on top of the debt repaid, in basis points of it (Aave: the flash-loan premium; 0 where none). */
    int fundingPremiumBps();

    /** The premium rounds up (Aave 3.6: {@code percentMulCeil}, FlashLoanLogic.sol:81, 180); else half up (Aave 3.0's {@code percentMul}). */
    default boolean fundingPremiumRoundsUp() {
        return false;
    }

    /** The errors this market's contracts revert with (its protocol's and our liquidator's), so a failure reads by name. */
    default ErrorCatalog errors() {
        return ErrorCatalog.EMPTY;
    }
}
